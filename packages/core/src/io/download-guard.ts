import { OnnxMobilenetError } from '../errors/errors.js';

/** A bound on a download's whole duration, and the limit that set it (for the message). */
export interface DownloadDeadline {
  ms: number;
  /** The option to raise, e.g. `'limits.maxImageDownloadMs'`. */
  limit: string;
}

/**
 * Runs a download under one AbortSignal that fires when the caller's `signal` aborts, when no
 * data arrived for `timeoutMs` (a stalled server) or, given a `deadline`, when the download has
 * not finished by then (a server trickling bytes keeps the inactivity timer from ever firing).
 * `task` gets the combined signal and calls `onData()` for every chunk; a failure caused by any
 * abort rethrows its reason (the caller's AbortError, an `E_DOWNLOAD` error naming the stall, an
 * `E_LIMIT` error naming the deadline). Shared by the Node and browser loaders.
 *
 * @example
 * ```ts
 * const bytes = await guardDownload(url, { signal, timeoutMs: 30_000 }, (s, onData) => fetchAll(url, s, onData));
 * ```
 */
export async function guardDownload<T>(
  url: string,
  options: { signal?: AbortSignal | undefined; timeoutMs: number; deadline?: DownloadDeadline | undefined },
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
  const { deadline } = options;
  const overdue = deadline
    ? setTimeout(
        () =>
          controller.abort(
            new OnnxMobilenetError('E_LIMIT', `${url} was still downloading after ${deadline.limit} (${deadline.ms} ms); the download was abandoned`),
          ),
        deadline.ms,
      )
    : undefined;
  onData();
  try {
    return await task(controller.signal, onData);
  } catch (err) {
    throw controller.signal.aborted ? controller.signal.reason : err;
  } finally {
    clearTimeout(timer);
    clearTimeout(overdue);
    signal?.removeEventListener('abort', onAbort);
  }
}
