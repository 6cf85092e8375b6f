// Embedding, training and trying the model happen here, off the page's thread: a model run takes
// the thread it is called on for its whole length, and the page stays free to draw the progress.
import { createClassifier, createTrainer } from 'onnx-mobilenet';
import type { Reply, Request } from './protocol.js';

const post = (reply: Reply, transfer: Transferable[] = []) => self.postMessage(reply, { transfer });

// The page passes its ?model=…&labels=… as this worker's name (the test serves local files).
const params = new URLSearchParams(self.name);
const base = createClassifier({ model: params.get('model') ?? 'mobilenetv2-12-int8', labels: params.get('labels') ?? undefined });
let mine: ReturnType<typeof createClassifier> | undefined;

async function train({ classes, augment }: Extract<Request, { type: 'train' }>): Promise<void> {
  const trainer = createTrainer(await base, { augment: augment ? { flip: true, crops: 2 } : undefined });
  const total = classes.reduce((n, [, photos]) => n + photos.length, 0);
  const skipped: string[] = [];
  let done = 0;
  const started = performance.now();
  // All added at once: the classifier caps the decodes and batches the embeddings, and the trainer
  // keeps the photos in the order of these calls whichever finishes first.
  const adds = classes.flatMap(([label, photos]) =>
    photos.map(async (photo) => {
      // a file the browser cannot decode is left out, not the end of the run
      await trainer.add(photo, label).catch(() => skipped.push(photo.name));
      post({ type: 'embedded', done: ++done, total });
    }),
  );
  await Promise.all(adds);
  const embedMs = performance.now() - started;
  const head = await trainer.train({ onEpoch: (progress) => post({ type: 'epoch', progress }) });
  const file = await trainer.exportModel(head);
  await (await mine)?.dispose();
  // the new model names its classes itself (the file's metadata): no labels to pass
  mine = createClassifier({ model: file.slice() });
  await mine;
  post({ type: 'trained', head, file, embedMs, skipped }, [file.buffer]);
}

self.onmessage = async ({ data }: MessageEvent<Request>) => {
  try {
    if (data.type === 'train') await train(data);
    else if (mine) post({ type: 'predictions', predictions: await (await mine).classify(data.photo, { topK: 3 }) });
  } catch (err) {
    post({ type: 'error', message: (err as Error).message });
  }
};

base.then(
  () => post({ type: 'ready' }),
  (err: Error) => post({ type: 'error', message: `Could not load MobileNetV2: ${err.message}` }),
);
