// One process of scaling-bench.mjs, started under `taskset` with an IPC channel. argv[2] is its
// job as JSON: `{ kind: 'stages', model }` measures the stage costs in interleaved rounds and
// exits; `{ kind: 'single' | 'pool', model, threads, workers, repeat }` loads a classifier (one
// session in this process, or the CLI's worker pool) and answers each 'round' message with one
// untimed and one timed pass over the photos (wall and CPU ms/photo of this whole process).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS, parseLabels } from '@onnx-mobilenet/core';
import { normalizeToCHW, planResize, predictionsFromLogits, resampleBilinear } from '@onnx-mobilenet/core/preprocess';
import { createClassifier } from '@onnx-mobilenet/node';
import { nodeBackend } from '@onnx-mobilenet/node/adapter';
import { ASSETS_DIR } from '../../test/assets-dir.mjs';
// The CLI's pool from its build (the bench package does not depend on the CLI).
import { createClassifierPool } from '../../packages/cli/dist/index.js';
import { interleaved, perPhoto } from './cpu-time.mjs';

const job = JSON.parse(process.argv[2]);
const pre = DEFAULTS.preprocess;
const labelsPath = join(ASSETS_DIR, 'models/synset.txt');
const paths = readdirSync(join(ASSETS_DIR, 'images'))
  .filter((f) => /\.jpe?g$/i.test(f))
  .sort()
  .map((f) => join(ASSETS_DIR, 'images', f));

/** The Node decoder's walk as the classifier takes it, from the file: read, open, plan, decode, resize. */
async function prepareCrop(path) {
  const image = await nodeBackend.decoder.open(path, { limits: DEFAULTS.limits });
  const plan = planResize(image.width, image.height, pre);
  const pixels = await image.decode(plan);
  return 'crop' in pixels ? pixels.crop : resampleBilinear(pixels.whole, plan.width, plan.height, plan.crop);
}

function each(items, fn, per = 1) {
  return {
    photos: items.length * per,
    run: async () => {
      for (const x of items) await fn(x);
    },
  };
}

/** Stage costs: decode (one at a time, so its CPU is one libuv thread's), normalise, top-5, session.run at batch 8 with 1 and 2 threads. */
async function stages() {
  const labels = parseLabels(readFileSync(labelsPath, 'utf8'));
  const bytes = readFileSync(job.model);
  // As the Node backend creates sessions (its spinning settings), with the thread count set.
  const session = async (threads) =>
    (await nodeBackend.runtime.createSession(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: threads }, { warn: () => {} })).session;
  const { createTensor } = await nodeBackend.runtime.createSession(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 }, { warn: () => {} });
  const sessions = { 1: await session(1), 2: await session(2) };
  // 2 threads that sleep when idle: each thread's CPU is its share of the work.
  const sleeping = (
    await nodeBackend.runtime.createSession(
      bytes,
      { graphOptimizationLevel: 'all', intraOpNumThreads: 2, extra: { session: { intra_op: { allow_spinning: '0' } } } },
      { warn: () => {} },
    )
  ).session;
  const crops = [];
  for (const p of paths) crops.push(await prepareCrop(p));
  const tensors = crops.map((c) => normalizeToCHW(c, pre.mean, pre.std));
  const batches = [];
  for (let i = 0; i + 8 <= tensors.length; i += 8) batches.push(tensors.slice(i, i + 8));
  const inputName = sessions[1].inputNames[0];
  const data = new Float32Array(8 * 3 * 224 * 224);
  const run = (s) => async (batch) => {
    batch.forEach((t, i) => {
      data.set(t, i * t.length);
    });
    return s.run({ [inputName]: createTensor(data, [8, 3, 224, 224]) });
  };
  const logits = (await run(sessions[1])(batches[0]))[sessions[1].outputNames[0]].data;
  const batchBuffer = new Float32Array(3 * 224 * 224);
  // The whole pipeline on a 1-thread session, as the checks run it: what it spends beyond the stages is glue.
  const classifier = await createClassifier({ model: job.model, labels: labelsPath, threads: 1 });
  // The CLI's pool of 1 worker of 1 thread against that classifier, both through classifyAll: the
  // CPU the pool adds per photo (tasks handed to a worker thread and back, a classify call a file).
  const pool = await createClassifierPool({ model: job.model, labels: labelsPath, threads: 1, workers: 1 });
  const drain = async (c) => {
    for await (const _ of c.classifyAll(paths));
  };
  const r = await interleaved(
    {
      decode: each(paths, prepareCrop),
      normalise: each(crops, (c) => normalizeToCHW(c, pre.mean, pre.std, batchBuffer, 0)),
      post: each(Array(paths.length * 8).fill(logits.slice(0, 1000)), (l) => predictionsFromLogits(l, labels, { topK: 5 })),
      run8t1: each(batches, run(sessions[1]), 8),
      run8t2: each(batches, run(sessions[2]), 8),
      pipeline: { photos: paths.length, run: () => classifier.classify(paths) },
    },
    job.rounds,
  );
  // Paired rounds (one, then the other, each after an untimed pass): the median of their
  // differences, which the machine's drifting load moves less than a difference of medians.
  const single = [];
  const pooled = [];
  for (let i = 0; i < job.rounds; i++) {
    for (const [c, out] of [
      [classifier, single],
      [pool, pooled],
    ]) {
      await drain(c);
      out.push((await perPhoto(paths.length, () => drain(c))).cpu);
    }
  }
  r.single = { cpu: median(single) };
  r.pool = { cpu: median(pooled), overSingle: median(pooled.map((x, i) => x - single[i])) };
  await classifier.dispose();
  await pool.destroy();
  // Single runs, 1 and 2 threads in turn: the fastest tenth is what the fewest other processes
  // disturbed (on a busy machine a 2-thread run waits, and spins, whenever either core is taken).
  const walls = { 1: [], 2: [] };
  const cpus = { 1: [], 2: [] };
  for (let i = 0; i < job.rounds * 4; i++) {
    for (const t of [1, 2]) {
      const one = await perPhoto(8, () => run(sessions[t])(batches[i % batches.length]));
      walls[t].push(one.wall);
      cpus[t].push(one.cpu);
    }
  }
  const low = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 10)];
  for (const t of [1, 2]) Object.assign(r[`run8t${t}`], { lowWall: low(walls[t]), bestWall: Math.min(...walls[t]), lowCpu: low(cpus[t]) });
  r.split = await threadSplit(run(sleeping), batches, job.rounds * 4);
  process.send({ stages: r });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** CPU ms of each thread of this process so far (Linux: /proc/self/task/<tid>/schedstat, in ns). */
function threadCpu() {
  const out = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      out.set(tid, Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
    } catch {
      // the thread ended
    }
  }
  return out;
}

/**
 * The calling thread's and the other intra-op thread's CPU ms/photo, in chunks of 4 batch runs:
 * the calling thread does the serial part and half the rest, the other thread the other half.
 * Another process taking the other thread's core makes the calling thread do more of the rest
 * (onnxruntime hands out a parallel loop's pieces to whichever thread is free), never less: the
 * chunks with the smallest serial shares are the least disturbed. The smallest alone came out
 * below 0 once (-1.1%: chunk-to-chunk noise), so the one at the first quartile is returned.
 */
async function threadSplit(runBatch, batches, chunks) {
  const pid = String(process.pid);
  const splits = [];
  for (let c = 0; c < chunks; c++) {
    const before = threadCpu();
    for (let i = 0; i < 4; i++) await runBatch(batches[(c * 4 + i) % batches.length]);
    const after = threadCpu();
    const perPhoto = (tid) => (after.get(tid) - (before.get(tid) ?? 0)) / 32;
    const main = perPhoto(pid);
    const other = Math.max(...[...after.keys()].filter((t) => t !== pid).map(perPhoto));
    splits.push({ main, other, serial: (main - other) / (main + other) });
  }
  return splits.sort((x, y) => x.serial - y.serial)[Math.floor(splits.length / 4)];
}

const TICK_MS = 10; // USER_HZ, 100 on Linux
/** CPU ms the cores `cpus` spent busy so far, every process together (Linux: /proc/stat). */
function coresBusy(cpus) {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  let ticks = 0;
  for (const c of cpus) {
    const f = lines
      .find((l) => l.startsWith(`cpu${c} `))
      .split(/\s+/)
      .slice(1)
      .map(Number);
    ticks += f[0] + f[1] + f[2] + f[5] + f[6] + f[7]; // user nice system irq softirq steal
  }
  return ticks * TICK_MS;
}

async function pipeline() {
  const files = Array.from({ length: job.repeat }, () => paths).flat();
  const options = { model: job.model, labels: labelsPath, threads: job.threads };
  const c = job.kind === 'pool' ? await createClassifierPool({ ...options, workers: job.workers }) : await createClassifier(options);
  let wrong = 0;
  const pass = async () => {
    for await (const r of c.classifyAll(files)) if (!r.predictions?.[0]) wrong++;
  };
  await pass();
  process.on('message', async (m) => {
    if (m === 'round') {
      await pass();
      const busy0 = coresBusy(job.cpus);
      const sample = await perPhoto(files.length, pass);
      // What other processes ran on these cores meanwhile (all their CPU less ours), as a share of the cores' time.
      const others = (coresBusy(job.cpus) - busy0) / files.length - sample.cpu;
      process.send({ sample: { ...sample, othersShare: Math.max(0, others) / (job.cpus.length * sample.wall) } });
    } else {
      await ('dispose' in c ? c.dispose() : c.destroy());
      process.send({ done: true, failed: wrong });
      process.disconnect();
    }
  });
  process.send({ ready: true });
}

await (job.kind === 'stages' ? stages() : pipeline());
if (job.kind === 'stages') process.disconnect();
