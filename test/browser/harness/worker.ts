// A module worker: classifies with OffscreenCanvas decoding, off the main thread, and reports the
// console warnings it saw.
import { classifyUrls, type RunRequest } from './shared';

const warnings: string[] = [];
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  warnings.push(args.map(String).join(' '));
  warn(...args);
};

self.onmessage = async (event: MessageEvent<RunRequest>) => {
  try {
    const result = await classifyUrls(event.data);
    self.postMessage({ ok: true, result, hasDocument: typeof document !== 'undefined', warnings });
  } catch (err) {
    self.postMessage({ ok: false, error: { code: (err as { code?: string }).code, message: (err as Error).message } });
  }
};
