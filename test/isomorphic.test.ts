// `onnx-mobilenet` resolves to the Node adapter under `node`, to the wasm path under `workerd` and
// `edge-light`, and to the web adapter under `browser`, `worker` and `default`; nothing in the
// browser or edge graph reaches onnxruntime-node or sharp.
// Each side is told by its one own export: `decodeFullImageNode` (Node) and `CACHE_NAME` (web).
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Imports the built package in a fresh Node process with the given extra conditions. */
function loadWith(conditions: string[], format: 'import' | 'require'): string {
  const code =
    format === 'import'
      ? "import('onnx-mobilenet').then((m) => console.log(JSON.stringify({ node: 'decodeFullImageNode' in m, web: 'CACHE_NAME' in m, create: typeof m.createClassifier })))"
      : "const m = require('onnx-mobilenet'); console.log(JSON.stringify({ node: 'decodeFullImageNode' in m, web: 'CACHE_NAME' in m, create: typeof m.createClassifier }))";
  const args = [...conditions.map((c) => `--conditions=${c}`), '-e', code];
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
}

/** The names of the built package's runtime exports, in a fresh Node process with the given extra conditions. */
function exportNames(conditions: string[], format: 'import' | 'require'): string[] {
  const code =
    format === 'import'
      ? "import('onnx-mobilenet').then((m) => console.log(JSON.stringify(Object.keys(m).sort())))"
      : "console.log(JSON.stringify(Object.keys(require('onnx-mobilenet')).sort()))";
  return JSON.parse(execFileSync(process.execPath, [...conditions.map((c) => `--conditions=${c}`), '-e', code], { cwd: root, encoding: 'utf8' }));
}

/** What an app needs on both sides (issue 12: at most 30 runtime names); plumbing is behind subpaths. */
const APP_API = [
  'DEFAULTS',
  'IMAGENET_LABELS',
  'MODELS',
  'OnnxMobilenetError',
  'cosineSimilarity',
  'createClassifier',
  'createFewShotClassifier',
  'createTrainer',
  'evaluate',
  'headProbabilities',
  'isOnnxMobilenetError',
  'nearestNeighbors',
  'parseLabels',
];

describe('the isomorphic entry', () => {
  it.each(['import', 'require'] as const)("exports the app API and the Node adapter's additions in Node (%s)", (format) => {
    // the full-image decoder and the video readers (ffmpeg's raw frames): Node only
    expect(exportNames([], format)).toEqual([...APP_API, 'decodeFullImageNode', 'rawVideoFrames', 'videoFrames'].sort());
  });

  it("exports the app API and the web adapter's additions in browsers (its cache's name, the camera-to-Worker stream)", () => {
    expect(exportNames(['browser'], 'import')).toEqual([...APP_API, 'CACHE_NAME', 'serveStream', 'streamToWorker'].sort());
  });

  it.each(['import', 'require'] as const)('loads the Node adapter in Node (%s)', (format) => {
    expect(JSON.parse(loadWith([], format))).toEqual({ node: true, web: false, create: 'function' });
  });

  it.each(['browser', 'worker'])('loads the web adapter under the %s condition', (condition) => {
    expect(JSON.parse(loadWith([condition], 'import'))).toEqual({ node: false, web: true, create: 'function' });
  });

  for (const conditions of [['browser'], ['worker'], []]) {
    it(`bundles for the browser without onnxruntime-node or sharp (conditions: ${conditions.join(', ') || 'default'})`, async () => {
      const result = await build({
        stdin: { contents: "export { createClassifier } from 'onnx-mobilenet';", resolveDir: root, loader: 'js' },
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'neutral',
        mainFields: ['module', 'main'],
        conditions: [...conditions, 'import'],
        external: ['onnxruntime-web', 'onnxruntime-web/wasm'],
        metafile: true,
        logLevel: 'silent',
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.some((p) => p.includes('packages/web/dist'))).toBe(true);
      expect(inputs.filter((p) => /onnxruntime-node|sharp|packages\/node\//.test(p))).toEqual([]);
    });
  }

  for (const condition of ['workerd', 'edge-light']) {
    it(`resolves to the wasm path under the ${condition} condition: no onnxruntime-node, sharp or onnxruntime-web package, the wasm imported statically`, async () => {
      const result = await build({
        stdin: { contents: "export * from 'onnx-mobilenet';", resolveDir: root, loader: 'js' },
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'neutral',
        mainFields: ['module', 'main'],
        // what wrangler and Next.js's edge build ask for
        conditions: [condition, 'worker', 'browser', 'import'],
        external: ['*.wasm', '*.wasm?module'],
        metafile: true,
        logLevel: 'silent',
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.some((p) => p.includes(`packages/wasm/dist/${condition}.js`))).toBe(true);
      expect(inputs.filter((p) => /onnxruntime-node|sharp|onnxruntime-web\/|packages\/(node|web)\/dist\/(index|adapter)/.test(p))).toEqual([]);
      const wasmImports = Object.values(result.metafile.outputs).flatMap((o) =>
        o.imports.filter((i) => i.path.includes('.wasm')).map((i) => `${i.kind} ${i.path}`),
      );
      const query = condition === 'edge-light' ? '?module' : '';
      expect(wasmImports.sort()).toEqual(['mozjpeg_dec', 'ort-wasm-simd-threaded', 'webp_dec'].map((f) => `import-statement ./vendor/${f}.wasm${query}`));
    });
  }

  it.each(['import', 'require'] as const)("exports the app API and the wasm path's additions as onnx-mobilenet/wasm (%s)", (format) => {
    const code =
      format === 'import'
        ? "import('onnx-mobilenet/wasm').then((m) => console.log(JSON.stringify(Object.keys(m).sort())))"
        : "console.log(JSON.stringify(Object.keys(require('onnx-mobilenet/wasm')).sort()))";
    expect(JSON.parse(execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8' }))).toEqual([...APP_API, 'CACHE_NAME', 'WASM_FILES'].sort());
  });

  /** Gzip bytes of what an app importing `contents` loads with its entry (the entry chunk and every chunk it imports statically), and of its lazy chunks. */
  async function webBundleSize(contents: string): Promise<{ eager: number; lazy: number }> {
    const result = await build({
      stdin: { contents, resolveDir: root, loader: 'js' },
      bundle: true,
      write: false,
      minify: true,
      splitting: true,
      outdir: '/virtual',
      format: 'esm',
      platform: 'browser',
      external: ['onnxruntime-web', 'onnxruntime-web/wasm'],
      metafile: true,
      logLevel: 'silent',
    });
    // Eager: the entry chunk and every chunk it imports statically (shared chunks load with it);
    // lazy: what only a dynamic import() reaches.
    const outputs = result.metafile.outputs;
    const eagerFiles = new Set<string>();
    const visit = (file: string) => {
      if (eagerFiles.has(file)) return;
      eagerFiles.add(file);
      for (const i of outputs[file]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
    };
    visit(Object.entries(outputs).find(([, o]) => o.entryPoint === '<stdin>')![0]);
    const sizes = result.outputFiles.map((f) => ({
      entry: [...eagerFiles].some((e) => f.path.endsWith(e.replace(/^.*\//, '/'))),
      gz: gzipSync(f.contents).byteLength,
    }));
    return { eager: sizes.filter((s) => s.entry).reduce((a, s) => a + s.gz, 0), lazy: sizes.filter((s) => !s.entry).reduce((a, s) => a + s.gz, 0) };
  }

  it('keeps the web adapter small (adapter + core; onnxruntime-web, its wasm and the protobuf chunk apart)', async () => {
    const { eager, lazy } = await webBundleSize("export * from '@onnx-mobilenet/web';");
    console.log(
      `web adapter + core: ${eager} bytes gzip loaded with the entry (its chunk and the shared chunks it imports), ${lazy} bytes gzip in lazy chunks (protobuf and the graph rewrites when a classifier loads its model; failure texts)`,
    );
    // 15.6 KB at first; the input-safety checks that run on every call (image headers read before
    // decoding, the streamed body reader, the external-data scan of models) brought it to 20.9 KB,
    // and the split into roles to 21.4 KB. The graph rewrites (dequantize, embedding output) now
    // load with their protobuf code in the lazy chunk: 17.1 KB measured; classifyAll (streams of
    // inputs with bounded concurrency) added 0.4 KB: 17.5 KB measured. The per-provider precision
    // rule, the runtime warm start and labels loaded beside the model added 0.7 KB: 18.2 KB; the
    // JPEG orientation read from the header, 18.5 KB. A signal per image of a call (instead of one
    // signal with a listener per image) and one input buffer reused by every run: 18.56 KB; the
    // deadline on image downloads (limits.maxImageDownloadMs) and the body reader's own abort
    // check: 18.71 KB (measured on a fresh build; this test bundles dist/, so build first); the
    // failing input named in an array call's error: 18.82 KB. Issue 20: browser inputs read at call
    // time (the decoder's snapshot), float16 ImageData converted, transparent pixels read through
    // WebGL, the per-platform thread bound, the network policy and URL redaction, the memory bounds
    // (decode slots shared by a classifier's calls, the pending-copies budget, path/URL lengths,
    // label and node counts, the resize bound, messages cut short), the JPEG scan count and the
    // decode deadline, with the model scan moved to the lazy chunk; browser snapshot copies counted: 20.19 KB.
    // Issue 21: the figures above counted the entry chunk alone, not the shared chunks it imports
    // statically (code also used by a lazy chunk), which load with it all the same. Counted whole,
    // the adapter at issue 20's end was 28.77 KB. E_RUNTIME, the runtime error's format and the
    // image-decoder check, with onnxruntime's causes and the lost-files message loaded only when a
    // session fails to start: 30.10 KB; the model checks, graph rewrites and protobuf in one lazy
    // module that needs nothing large from the entry (Parcel's module workers): 29.02 KB; the
    // runtime-failure texts imported statically again (one more lazy chunk broke them): 29.12 KB.
    // Issue 23: the adapter subpath's EMBEDDING_OUTPUT, exported from the embedding rewrite's module,
    // had put that rewrite and the ONNX reader (7.5 KB minified) in a shared chunk the entry imports;
    // the name now lives with the model's input and output names, and the graph code is lazy: 26.56 KB;
    // the precision policy whole in core (the CPU rule beside the web providers' reasons): 26.84 KB.
    // One flow-control primitive (a work pool: a window, a phase cap, a signal per item, fail-fast
    // or collect) in place of the loops of classify(array) and classifyAll: about +1 KB, written as
    // closures, whose names minify (classes cost 0.08 KB more; classifyAll in a lazy chunk 1.2 KB
    // more, its shared modules split into chunks compressed apart).
    // Then the `cacheName` option (a Cache Storage bucket; `cacheDir` is the Node folder only),
    // Cache Storage opened by core's one `openCacheStorage`, and `preprocess.mode` checked against
    // `RESIZE_MODES` by the one choice check the CLI shares: 27.87 KB.
    // Then one format sniffer for every adapter (TIFF recognised, AVIF told from HEIC, the
    // formats' names), one check and one message per image limit, and the decoder's walk as
    // open, plan, decode: 28.22 KB; with the pool as closures, 27.81 KB. The ceiling comes down from 29.3 to 28.8 KB to keep what the
    // graph fix won: a smaller leak into the entry than the ONNX reader's 7.5 KB is caught too.
    // Issue 24: classifyStream (a method, so every app loads it: the latest-frame mailbox, the
    // readable feed, smoothing, the pulled and live loops) +1.43 KB; the browser's live feeds +0.52 KB
    // (the <video> and camera readers themselves load lazily, on a stream's first frame); the Worker
    // path (streamToWorker, serveStream) +1.62 KB for the entry as a whole: 30.93 KB. An app that
    // imports only createClassifier does not load the Worker path (the package has no side
    // effects): 27.91 KB, held below the old ceiling by the next test.
    // Issue 25: createTrainer (the seeded split, Adam over mini-batches, early stopping, class
    // weights, the report and its messages) +4.4 KB for the entry as a whole: 35.36 KB; with the
    // review's fixes (photos in call order, views a batch at a time, the unthrottled yield, the
    // checks of signals, weights and labels, labels that read back) 36.22 KB. Only an app that trains loads it; the
    // classifier itself carries 0.9 KB for it, held by the next test.
    expect(eager).toBeLessThan(36_500);
  });

  it('keeps what an app importing only createClassifier loads under 29 KB', async () => {
    const { eager } = await webBundleSize("export { createClassifier } from '@onnx-mobilenet/web';");
    console.log(`createClassifier alone: ${eager} bytes gzip loaded with the entry`);
    // 27.91 KB after issue 24. Issue 25 adds 0.9 KB to every app: a model's own labels waited for
    // (read in the lazy chunk), a Softmax output read as log-probabilities, the uncropped resize
    // and the classifier's training access for createTrainer: 28.92 KB. The ceiling still catches a
    // leak of the graph code (7.5 KB) into the entry.
    expect(eager).toBeLessThan(29_000);
  });
});
