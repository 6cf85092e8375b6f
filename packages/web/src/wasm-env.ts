import { type AdapterOptions, DEFAULTS } from '@onnx-mobilenet/core';
import type { Warn } from '@onnx-mobilenet/core/adapter';
import type { OrtWeb } from './load-ort.js';
import { threadsWouldLoadAppScript } from './thread-support.js';

/**
 * The most wasm threads a classifier may ask for here: the browser's core count
 * (`navigator.hardwareConcurrency`), or `DEFAULTS.webThreads` where it does not tell. onnxruntime-web
 * starts a Worker (with its own wasm memory) for every thread: 1024 of them took a renderer to
 * about 4 GB and its first run to 30-45 s, with no speed to gain beyond the cores.
 */
export function wasmThreadLimit(): { max: number; reason: string } {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (typeof cores === 'number' && Number.isInteger(cores) && cores >= 1) return { max: cores, reason: "this browser's navigator.hardwareConcurrency" };
  return { max: DEFAULTS.webThreads, reason: 'DEFAULTS.webThreads: this browser does not tell navigator.hardwareConcurrency' };
}

/**
 * Sets onnxruntime-web's process-wide wasm settings unless they are set already (by an earlier
 * classifier, or by the app), and returns the number of wasm threads it will use. onnxruntime-web
 * reads them once, when its first session starts, so whatever `env.wasm.numThreads` holds is what
 * runs.
 */
export function configureWasmEnv(
  ort: Pick<OrtWeb, 'env' | 'Tensor'>,
  options: { threads?: number | undefined } & Pick<AdapterOptions, 'wasmPaths'>,
  startTimeoutMs: number,
  warn: Warn,
): number {
  const paths = options.wasmPaths;
  if (paths && ort.env.wasm.wasmPaths === undefined) {
    // onnxruntime-web's type has no room for keys set to undefined: copy only the ones given
    ort.env.wasm.wasmPaths = typeof paths === 'string' ? paths : { ...(paths.wasm ? { wasm: paths.wasm } : {}), ...(paths.mjs ? { mjs: paths.mjs } : {}) };
  }
  const current = ort.env.wasm.numThreads;
  if (typeof current === 'number' && current > 0) return current;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  // Threads need SharedArrayBuffer, which only cross-origin-isolated pages get.
  let threads = options.threads ?? (isolated ? Math.min(DEFAULTS.webThreads, cores) : 1);
  // With wasmPaths naming its .mjs (or a folder of it), onnxruntime-web loads that file and starts threads on it.
  const ownScript = typeof options.wasmPaths === 'string' || !!options.wasmPaths?.mjs;
  if (threads > 1 && !ownScript && threadsWouldLoadAppScript(ort)) {
    warn(
      `using 1 wasm thread instead of ${threads}: onnxruntime-web is bundled into the same script as your code ` +
        `(e.g. a Web Worker built with Vite's default worker.format 'iife'), so its thread workers would start your script instead of its own. ` +
        `For threads, build the worker as an ES module (Vite: worker: { format: 'es' }) or set wasmPaths.`,
      'ONNX_MOBILENET_WASM_THREADS',
    );
    threads = 1;
  }
  ort.env.wasm.numThreads = threads;
  // A thread worker that never reports back would leave the session pending forever.
  if (threads > 1) ort.env.wasm.initTimeout = startTimeoutMs;
  return threads;
}
