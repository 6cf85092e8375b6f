import { join } from 'node:path';
import { createClassifier, type WebClassifier } from 'onnx-mobilenet';
// (The types of onnx-mobilenet are the same on both sides; on the server, the import resolves to the Node adapter.)
import { serverLabels, serverModel } from './classifier-config';

/** The photos the server component classifies by name: the app's `public/` folder (copied beside server.js in a standalone deploy). */
export const photosDir = join(process.cwd(), 'public');

// One classifier per server process, created on first use and shared by the route handler and the
// server component (concurrent calls on one classifier are safe and get batched).
let classifier: Promise<WebClassifier> | undefined;

/** The server's classifier; a failed load is retried on the next call. */
export function getClassifier(): Promise<WebClassifier> {
  classifier ??= createClassifier({ model: serverModel, labels: serverLabels });
  classifier.catch(() => (classifier = undefined));
  return classifier;
}
