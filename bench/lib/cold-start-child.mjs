// One fresh process of bench/cold-start-bench.mjs: from its start to the first result of a local
// model, timed part by part. argv[2] is JSON: { mode, model, labels, image, optimized? }.
//   e2e     import('onnx-mobilenet'), createClassifier, classify: what an app does.
//   stages  the same load through a Node backend whose roles stamp the time as core calls them, so
//           each part of createClassifier and of the first classify gets its own wall and CPU ms.
//   floor   a bare script, what a user would write by hand: require onnxruntime-node, create the session, require
//           sharp, decode and resize (cover 224×224), normalise, run, argmax. No checks, no rewrite.
//   modules which packages the entry's import loads, and the first result (a resolve hook), not timed.
// `optimized: { path, write }`: the session is created from onnxruntime's optimized model at `path`
// (graph optimisation 'disabled'), or with `write` the optimized model is saved there first.
import { readFileSync } from 'node:fs';

const startWall = performance.now(); // ms since the process began (performance.timeOrigin)
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const startCpu = cpuMs();
const job = JSON.parse(process.argv[2]);
const marks = [{ name: 'node startup', wall: startWall, cpu: startCpu }];
let last = { wall: startWall, cpu: startCpu };
/** Closes the part `name` that began at the previous stamp. */
const stamp = (name) => {
  const now = { wall: performance.now(), cpu: cpuMs() };
  marks.push({ name, wall: now.wall - last.wall, cpu: now.cpu - last.cpu });
  last = now;
};

async function e2e() {
  const { createClassifier } = await import('onnx-mobilenet');
  stamp('import onnx-mobilenet');
  const classifier = await createClassifier({ model: job.model, labels: job.labels });
  stamp('createClassifier');
  const [best] = await classifier.classify(job.image);
  stamp('first classify');
  return best;
}

async function stages() {
  const [{ createClassifierWithBackend }, { createNodeBackend }] = await Promise.all([
    import('@onnx-mobilenet/core/adapter'),
    import('@onnx-mobilenet/node/adapter'),
  ]);
  stamp('import (core and Node adapters)');
  const base = createNodeBackend();
  const backend = {
    ...base,
    assets: {
      loadAsset: async (asset, options) => {
        const bytes = await base.assets.loadAsset(asset, options);
        if (options.purpose === 'model') stamp('read the model file');
        return bytes;
      },
    },
    platform: {
      ...base.platform,
      int8Facts: (providers) => {
        stamp('model checks (external data, loops, node count) and facts');
        const facts = base.platform.int8Facts(providers);
        stamp('int8/VNNI facts');
        return facts;
      },
    },
    runtime: {
      ...base.runtime,
      createSession: async (bytes, options, context) => {
        stamp('graph rewrite (embedding output)');
        let model = bytes;
        let sessionOptions = options;
        if (job.optimized?.write) sessionOptions = { ...options, optimizedModelFilePath: job.optimized.path };
        else if (job.optimized) {
          model = readFileSync(job.optimized.path);
          sessionOptions = { ...options, graphOptimizationLevel: 'disabled' };
          stamp('read the optimized model');
        }
        const runtime = await base.runtime.createSession(model, sessionOptions, context);
        // the adapter loads onnxruntime-node on its first session, as it loads sharp on its first decode
        stamp(`load onnxruntime-node, session creation (${job.optimized && !job.optimized.write ? 'optimized model, no optimisation' : 'graph optimisation'})`);
        const run = runtime.session.run.bind(runtime.session);
        runtime.session.run = async (...args) => {
          stamp('prepare the batch');
          const result = await run(...args);
          stamp('first session.run');
          return result;
        };
        return runtime;
      },
    },
    decoder: {
      ...base.decoder,
      open: async (input, context) => {
        stamp('classify() until the decode');
        const image = await base.decoder.open(input, context);
        stamp('load sharp, open the image (header, limits)');
        const decode = image.decode.bind(image);
        image.decode = async (...args) => {
          const pixels = await decode(...args);
          stamp('first decode (plan, decode, resize, crop)');
          return pixels;
        };
        return image;
      },
    },
  };
  const classifier = await createClassifierWithBackend(backend, { model: job.model, labels: job.labels });
  stamp('labels, model input/output checks');
  const [best] = await classifier.classify(job.image);
  stamp('softmax, top-5');
  return best;
}

async function floor() {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const ort = require('onnxruntime-node');
  stamp('load onnxruntime-node');
  const session = await ort.InferenceSession.create(job.model);
  stamp('create the session');
  const sharp = require('sharp');
  stamp('load sharp');
  const { data } = await sharp(job.image).resize(224, 224, { fit: 'cover', kernel: 'linear' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  stamp('decode, resize');
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const input = new Float32Array(3 * 224 * 224);
  for (let i = 0; i < 224 * 224; i++) for (let c = 0; c < 3; c++) input[c * 224 * 224 + i] = (data[i * 3 + c] / 255 - mean[c]) / std[c];
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, 224, 224]) });
  const scores = out[session.outputNames[0]].data;
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  stamp('normalise, run, argmax');
  return { id: best };
}

async function modules() {
  const { createRequire, register } = await import('node:module');
  const { port1, port2 } = new MessageChannel();
  const seen = new Set();
  const note = (url) => {
    const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url) ?? /packages\/([^/]+)\/dist\//.exec(url);
    if (m) seen.add(!url.includes('/packages/') || m[1] === 'onnx-mobilenet' ? m[1] : `@onnx-mobilenet/${m[1]}`);
  };
  port1.on('message', note);
  // CommonJS modules loaded by require (the adapter's native modules) pass no ESM hook: their cache
  const required = () => Object.keys(createRequire(import.meta.url).cache).forEach(note);
  port1.unref();
  const hook = `export async function initialize({ port }) { globalThis.port = port; }
    export async function resolve(specifier, context, next) { const r = await next(specifier, context); globalThis.port.postMessage(r.url); return r; }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] });
  const settle = () => new Promise((r) => setTimeout(r, 50));
  const { createClassifier } = await import('onnx-mobilenet');
  await settle();
  required();
  const atImport = [...seen].sort();
  const classifier = await createClassifier({ model: job.model, labels: job.labels });
  await classifier.classify(job.image);
  await settle();
  required();
  return { atImport, byFirstResult: [...seen].sort() };
}

let out;
if (job.mode === 'modules') out = await modules();
else {
  const best = await (job.mode === 'e2e' ? e2e() : job.mode === 'floor' ? floor() : stages());
  // resultNs: CLOCK_MONOTONIC, as the parent's hrtime before the spawn (and Python's monotonic_ns)
  out = { marks, top1: best?.id, spawnToResult: performance.now(), resultNs: String(process.hrtime.bigint()) };
}
process.stdout.write(JSON.stringify(out));
