import { OnnxMobilenetError } from './errors.js';

/**
 * Runs a download under one AbortSignal that fires when the caller's `signal` aborts or when no
 * data arrived for `timeoutMs` (a stalled server). `task` gets the combined signal and calls
 * `onData()` for every chunk; a failure caused by either abort rethrows its reason (the caller's
 * AbortError, or an `E_DOWNLOAD` error naming the stall). Shared by the Node and browser loaders.
 *
 * @example
 * ```ts
 * const bytes = await guardDownload(url, { signal, timeoutMs: 30_000 }, (s, onData) => fetchAll(url, s, onData));
 * ```
 */
export async function guardDownload<T>(
  url: string,
  options: { signal?: AbortSignal | undefined; timeoutMs: number },
  task: (signal: AbortSignal, onData: () => void) => Promise<T>,
): Promise<T> {
  const { signal, timeoutMs } = options;
  if (signal?.aborted) throw signal.reason;
  const controller = new AbortController();
  const stalled = new OnnxMobilenetError('E_DOWNLOAD', `${url} sent nothing for ${timeoutMs} ms; the download was abandoned`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  // When the timer fires, give waiting I/O one more turn of the event loop before giving up: a
  // starved process (a busy machine, a long GC) runs expired timers before the data that arrived
  // meanwhile, which would otherwise abandon a download that never stalled.
  const onData = () => {
    clearTimeout(timer);
    timer = setTimeout(() => (timer = setTimeout(() => controller.abort(stalled), 0)), timeoutMs);
  };
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  onData();
  try {
    return await task(controller.signal, onData);
  } catch (err) {
    throw controller.signal.aborted ? controller.signal.reason : err;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
