import type { OrtWeb } from './load-ort.js';

/** The script URL of the innermost stack frame that has one (Chromium, Firefox and WebKit formats). */
export function scriptOfStack(stack: string | undefined): string | undefined {
  for (const line of (stack ?? '').split('\n')) {
    const match = /((?:blob:)?(?:https?|file):\/\/[^\s()@]*?):\d+:\d+/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/** The script holding onnxruntime-web's code: the URL in the stack of an error its Tensor constructor throws. */
function ortScript(ort: Pick<OrtWeb, 'Tensor'>): string | undefined {
  try {
    new ort.Tensor('float32', new Float32Array(1), [2]);
  } catch (err) {
    return scriptOfStack((err as Error | undefined)?.stack);
  }
  return undefined;
}

/**
 * True when onnxruntime-web's wasm threads cannot start: its code sits in the same script as this
 * package's (a bundle that inlines dynamic imports, such as a worker built as 'iife', Vite's
 * default) or in the worker's own script. onnxruntime-web starts each thread as a module Worker on
 * the script it was loaded from, so there the thread would run the app's bundle instead and never
 * report back: the session would hang. False when unknown.
 */
export function threadsWouldLoadAppScript(ort: Pick<OrtWeb, 'Tensor'>): boolean {
  const theirs = ortScript(ort);
  if (!theirs) return false;
  const ours = scriptOfStack(new Error().stack);
  const isWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
  const workerScript = isWorker ? (globalThis as { location?: { href?: string } }).location?.href : undefined;
  return theirs === ours || theirs === workerScript;
}
