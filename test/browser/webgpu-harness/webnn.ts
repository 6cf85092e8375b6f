// What webnn.test.ts asks the page: whether this browser has WebNN (navigator.ml, a context), and
// what a classifier that asks for the webnn provider does here: its top-1 and the warnings it gave.
import { createClassifier } from 'onnx-mobilenet';
import { consoleLines } from './observe';

interface ML {
  createContext(options?: { deviceType?: string }): Promise<unknown>;
}

/** `navigator.ml` and `createContext()`'s answer: 'ok', or the DOMException's name and message. */
async function probe(): Promise<{ ml: boolean; context: string }> {
  const ml = (navigator as { ml?: ML }).ml;
  if (!ml) return { ml: false, context: 'navigator.ml is missing' };
  try {
    await ml.createContext();
    return { ml: true, context: 'ok' };
  } catch (err) {
    return { ml: true, context: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

export interface WebnnRequest {
  model: string;
  labels: string;
  url: string;
}

/** The browser's answer, then a classifier created with executionProviders ['webnn'] on one photo. */
export async function webnn(req: WebnnRequest) {
  const found = await probe();
  const from = consoleLines.length;
  const blob = await (await fetch(req.url)).blob();
  try {
    const classifier = await createClassifier({ model: req.model, labels: req.labels, executionProviders: ['webnn'] });
    try {
      const [best] = await classifier.classify(blob, { topK: 1 });
      return {
        ...found,
        top1: best!.id,
        error: null,
        warnings: consoleLines
          .slice(from)
          .filter((l) => l.level === 'warn')
          .map((l) => l.text),
      };
    } finally {
      await classifier.dispose();
    }
  } catch (err) {
    const e = err as { name?: string; code?: string; message?: string };
    return { ...found, top1: null, error: { name: e.name, code: e.code, message: e.message }, warnings: [] };
  }
}
