// A module worker: classifies with OffscreenCanvas decoding, off the main thread.
import { classifyUrls, type RunRequest } from './shared';

self.onmessage = async (event: MessageEvent<RunRequest>) => {
  try {
    const result = await classifyUrls(event.data);
    self.postMessage({ ok: true, result, hasDocument: typeof document !== 'undefined' });
  } catch (err) {
    self.postMessage({ ok: false, error: { code: (err as { code?: string }).code, message: (err as Error).message } });
  }
};
