// The messages between the page and the training worker.
import type { EpochProgress, Prediction, TrainedHead } from 'onnx-mobilenet';

/** Page to worker. */
export type Request = { type: 'train'; classes: [label: string, photos: File[]][]; augment: boolean } | { type: 'try'; photo: File };

/** Worker to page. */
export type Reply =
  | { type: 'ready' }
  | { type: 'embedded'; done: number; total: number }
  | { type: 'epoch'; progress: EpochProgress }
  | { type: 'trained'; head: TrainedHead; file: Uint8Array<ArrayBuffer>; embedMs: number; skipped: string[] }
  | { type: 'predictions'; predictions: Prediction[] }
  | { type: 'error'; message: string };
