import { throwIfAborted } from './abortable.js';

/**
 * Milliseconds on a monotonic clock (`performance.now()`; `Date.now()` where a host has no `performance`).
 *
 * @example
 * ```ts
 * const capturedAt = now();
 * ```
 */
export function now(): number {
  return (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();
}

/**
 * Resolves after `ms` (at once for 0 or less), or rejects with the signal's reason as soon as it
 * aborts, the timer then cleared.
 *
 * @example
 * ```ts
 * await delay(1000 / maxFps - elapsed, signal);
 * ```
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  if (!(ms > 0)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    // The listener first: a signal that cannot take one throws here, before any timer is armed.
    signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
  });
}

interface Channel {
  port1: { onmessage: (() => void) | null; close(): void };
  port2: { postMessage(message: unknown): void; close(): void };
}

/**
 * Lets other tasks run (a page paint, an abort, I/O) and resumes at once: through a
 * `MessageChannel` where there is one (browsers, Workers, Node, Deno), whose messages are not
 * throttled as a hidden tab's timers are (once a second), else a zero timer.
 */
export function yieldToEventLoop(): Promise<void> {
  const MessageChannel = (globalThis as unknown as { MessageChannel?: new () => Channel }).MessageChannel;
  if (!MessageChannel) return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close(); // an open port would keep Node's event loop alive
      port2.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
