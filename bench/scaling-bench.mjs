// pnpm bench:node (after node-bench): the core-scaling model's inputs and its check. A process
// on 2 cores measures the stage costs (decode, normalise, top-5, session.run at batch 8 with 1 and
// 2 intra-op threads); then persistent processes under `taskset` classify the 53 photos (as file
// paths, classifyAll, as the CLI does) in interleaved rounds: 1 core with one session of 1 thread,
// 2 cores with one session of 2 threads, 2 cores with the CLI's pool of 2 workers × 1 thread.
// Prints the measured against the predicted, the predicted table for 1-64 cores, and writes
// bench/results/scaling-latest.json. The model is the CLI's own (packages/cli/src/scaling-model.ts).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSETS_DIR } from '../test/assets-dir.mjs';
import { bestWorkers, defaultWorkers, predictThroughput, STAGE_COSTS } from '../packages/cli/dist/index.js';
import { machineFacts } from './lib/machine.mjs';
import { writeResults } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 3 : 9));
const model = join(ASSETS_DIR, 'models/mobilenetv2-12-int8.onnx');
const child = join(here, 'lib/scaling-child.mjs');
const CORE_COUNTS = [1, 2, 4, 8, 16, 32, 64];

/** A child process of scaling-child.mjs pinned to `cpus`, with its message stream. */
function start(cpus, job) {
  const p = spawn('taskset', ['-c', cpus, process.execPath, child, JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const inbox = [];
  const waiting = [];
  p.on('message', (m) => (waiting.length ? waiting.shift()(m) : inbox.push(m)));
  p.on('exit', (code) => {
    if (code) for (const w of waiting.splice(0)) w({ error: `${cpus} ${job.kind} exited with ${code}` });
  });
  const next = () =>
    new Promise((resolve, reject) => {
      const take = (m) => (m.error ? reject(new Error(m.error)) : resolve(m));
      inbox.length ? take(inbox.shift()) : waiting.push(take);
    });
  return { send: (m) => p.send(m), next };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const machine = machineFacts({ onnxruntime: '1.30.0' });
console.log(`${machine.cpu}, ${machine.cores} cores; ${ROUNDS} interleaved rounds; a busy machine makes walls noisy, CPU times less so`);

// 1. Stage costs, on cores 0 and 1.
const stagesChild = start('0,1', { kind: 'stages', model, rounds: ROUNDS });
const { stages: s } = await stagesChild.next();
// The serial share from each thread's CPU time (walls of 2-thread runs on a busy machine wait
// whenever another process holds either core); the walls are printed as a check. Glue: what the classifier's own pipeline (1 thread) spends per photo beyond decode and the run.
const costs = {
  decode: s.decode.cpu,
  main: Math.max(s.normalise.cpu + s.post.cpu, s.pipeline.cpu - s.decode.cpu - s.run8t1.cpu),
  run1: s.run8t1.cpu,
  serial: s.split.serial,
  cpuRatio2: s.run8t2.lowCpu / s.run8t1.lowCpu,
  poolTask: Math.max(0, s.pool.overSingle),
};
const predicted2 = 1 / (costs.cpuRatio2 * (costs.serial + (1 - costs.serial) / 2));
const measured2 = s.run8t1.lowWall / s.run8t2.lowWall;
console.log(
  `stage costs, CPU ms/photo: decode + resize + crop ${costs.decode.toFixed(2)}, normalise + top-5 ${(s.normalise.cpu + s.post.cpu).toFixed(2)}, the JS thread in all (the 1-thread pipeline's ${s.pipeline.cpu.toFixed(2)} less decode and run) ${costs.main.toFixed(2)}`,
);
console.log(
  `the CLI's pool (1 worker × 1 thread) against one classifier (1 thread), both classifyAll: ${s.pool.cpu.toFixed(2)} against ${s.single.cpu.toFixed(2)} CPU ms/photo, ${s.pool.overSingle.toFixed(2)} more (median of paired rounds)`,
);
console.log(
  `session.run batch 8, ms/photo: 1 thread ${costs.run1.toFixed(2)} CPU, wall ${s.run8t1.lowWall.toFixed(2)} (fastest tenth of single runs; best ${s.run8t1.bestWall.toFixed(2)}); 2 threads ${s.run8t2.cpu.toFixed(2)} CPU, wall ${s.run8t2.lowWall.toFixed(2)} (best ${s.run8t2.bestWall.toFixed(2)})`,
);
console.log(
  `intra-op threads on MobileNetV2, batch 8: serial share ${(costs.serial * 100).toFixed(1)}% (2 sleeping threads: calling thread ${s.split.main.toFixed(2)}, other ${s.split.other.toFixed(2)} CPU ms/photo); 2 threads cost ${costs.cpuRatio2.toFixed(2)}x the CPU of 1`,
);
console.log(
  `  2 threads' speed-up over 1: model ${predicted2.toFixed(2)}x (parallel efficiency ${((predicted2 / 2) * 100).toFixed(0)}%), measured walls ${measured2.toFixed(2)}x (fastest tenth; other processes take cores)`,
);

// 2. The checks: persistent processes, one round each in turn.
const checks = [
  { key: '1 core: 1 session × 1 thread', cpus: '0', cores: 1, job: { kind: 'single', threads: 1 }, workers: 1 },
  { key: '2 cores: 1 session × 2 threads', cpus: '0,1', cores: 2, job: { kind: 'single', threads: 2 }, workers: 1 },
  { key: '2 cores: 2 workers × 1 thread', cpus: '0,1', cores: 2, job: { kind: 'pool', threads: 1, workers: 2 }, workers: 2 },
];
const procs = checks.map((c) => start(c.cpus, { ...c.job, model, repeat: 2, cpus: c.cpus.split(',').map(Number) }));
for (const p of procs) await p.next();
const samples = checks.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  for (const [i, p] of procs.entries()) {
    p.send('round');
    samples[i].push((await p.next()).sample);
  }
}
for (const p of procs) {
  p.send('done');
  const { failed } = await p.next();
  if (failed) throw new Error(`${failed} photos without a prediction`);
}
const measured = checks.map((c, i) => {
  const predicted = predictThroughput(costs, { cores: c.cores, workers: c.workers, threads: c.job.threads });
  const x = samples[i];
  // The wall as if the cores had been ours alone: less the share of their time other processes took.
  const freed = median(x.map((r) => r.wall * (1 - r.othersShare)));
  const predictedCpu = costs.decode + costs.main + costs.run1 * (c.job.threads === 2 ? costs.cpuRatio2 : 1) + (c.workers > 1 ? costs.poolTask : 0);
  return {
    name: c.key,
    wall: median(x.map((r) => r.wall)),
    othersShare: median(x.map((r) => r.othersShare)),
    freed,
    cpu: median(x.map((r) => r.cpu)),
    predicted: predicted.msPerPhoto,
    bound: predicted.bound,
    predictedCpu,
  };
});
console.log('\nmodel check, ms/photo (median of interleaved rounds; "alone": the wall less the share of the cores other processes took)');
console.log(
  `  ${'layout'.padEnd(32)} ${'wall'.padStart(6)} ${'others'.padStart(6)} ${'alone'.padStart(6)} ${'model'.padStart(6)} ${'÷'.padStart(5)}   ${'CPU'.padStart(6)} ${'model'.padStart(6)}`,
);
for (const m of measured)
  console.log(
    `  ${m.name.padEnd(32)} ${m.wall.toFixed(2).padStart(6)} ${`${(m.othersShare * 100).toFixed(0)}%`.padStart(6)} ${m.freed.toFixed(2).padStart(6)} ${m.predicted.toFixed(2).padStart(6)} ${(m.freed / m.predicted).toFixed(2).padStart(5)}   ${m.cpu.toFixed(2).padStart(6)} ${m.predictedCpu.toFixed(2).padStart(6)}  (${m.bound}-bound)`,
  );
const ratio = (a, b) => measured[a].freed / measured[b].freed;
console.log(
  `  2 cores against 1, one session: ${ratio(0, 1).toFixed(2)}x (model ${(measured[0].predicted / measured[1].predicted).toFixed(2)}x); 2 workers × 1 thread against 1 × 2: ${ratio(1, 2).toFixed(2)}x (model ${(measured[1].predicted / measured[2].predicted).toFixed(2)}x)`,
);

// 3. The predicted table, from these costs and from the costs the CLI's default follows.
const table = CORE_COUNTS.map((n) => {
  // layout (a): one session with n threads (onnxruntime's default), decodes on libuv's 4 threads
  const single = predictThroughput(costs, { cores: n, workers: 1, decodeThreads: 4 });
  // and with its threads capped where the model puts them best (2% or more faster than fewer)
  const capped = Array.from({ length: n }, (_, t) => predictThroughput(costs, { cores: n, workers: 1, threads: t + 1, decodeThreads: 4 })).reduce((a, b) =>
    b.msPerPhoto < a.msPerPhoto * (1 - 0.02) ? b : a,
  );
  // layout (b): the model's worker count for these costs, with libuv's 4 threads and with UV_THREADPOOL_SIZE=n
  const k = bestWorkers(n, costs);
  const pool = predictThroughput(costs, { cores: n, workers: k, decodeThreads: 4 });
  const poolUv = predictThroughput(costs, { cores: n, workers: k, decodeThreads: n });
  return { cores: n, single, capped, workers: k, pool, poolUv, defaultWorkers: defaultWorkers(n) };
});
console.log('\npredicted throughput (photos/s, ms/photo, the bound) at n cores, int8, these costs');
console.log(
  `  ${'cores'.padStart(5)}  ${'1 session × n threads'.padEnd(26)}  ${'1 session, best threads'.padEnd(31)}  ${'k workers'.padEnd(9)}  ${'k workers (libuv 4)'.padEnd(26)}  ${'k (UV_THREADPOOL_SIZE=n)'.padEnd(26)}  defaultWorkers`,
);
const cell = (p) => `${p.photosPerSecond.toFixed(0).padStart(5)}/s ${p.msPerPhoto.toFixed(3).padStart(6)} ${p.bound.padEnd(7)}`;
for (const t of table)
  console.log(
    `  ${String(t.cores).padStart(5)}  ${cell(t.single)}     t=${String(t.capped.threads).padEnd(2)} ${cell(t.capped)}  ${String(t.workers).padStart(9)}  ${cell(t.pool)}     ${cell(t.poolUv)}     ${t.defaultWorkers}`,
  );
console.log(`  (defaultWorkers follows the costs the CLI ships, STAGE_COSTS: ${JSON.stringify(STAGE_COSTS)})`);

const file = writeResults(join(here, 'results'), 'scaling', {
  machine,
  date: new Date().toISOString(),
  rounds: ROUNDS,
  stages: s,
  costs,
  speedup2: { model: predicted2, measured: measured2 },
  checks: measured,
  table,
});
console.log(`\nwrote ${file}`);
