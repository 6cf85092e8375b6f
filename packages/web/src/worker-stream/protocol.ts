import { OnnxMobilenetError, type ClassifyStreamOptions, type ErrorCode, type Prediction } from '@onnx-mobilenet/core';

/** The `type` of every message of the worker stream protocol, so a worker can tell them from its own. */
export const STREAM_MESSAGE = 'onnx-mobilenet:stream';

/** What crosses the thread boundary of the options: all but the signal (the page keeps it). */
export type WorkerStreamOptions = Omit<ClassifyStreamOptions, 'signal'>;

/** An error as it crosses `postMessage` (structured clone keeps no `code`). */
export interface WireError {
  code: ErrorCode;
  message: string;
}

/** A result as the worker sends it: the frame's page index, and predictions or an error. */
export type WireResult = { frame: number; timestamp: number } & ({ predictions: Prediction[] } | { error: WireError });

/** Page → worker. */
export type ToWorker =
  | { type: typeof STREAM_MESSAGE; kind: 'start'; id: number; options: WorkerStreamOptions }
  | { type: typeof STREAM_MESSAGE; kind: 'frame'; id: number; frame: VideoFrame | ImageBitmap; index: number; timestamp: number | undefined }
  | { type: typeof STREAM_MESSAGE; kind: 'stop'; id: number };

/** Worker → page: `next` is the credit (the worker is free: send the latest frame). */
export type ToPage =
  | { type: typeof STREAM_MESSAGE; kind: 'next'; id: number }
  | { type: typeof STREAM_MESSAGE; kind: 'result'; id: number; result: WireResult }
  | { type: typeof STREAM_MESSAGE; kind: 'end'; id: number; error?: WireError | undefined };

/** The part of a `Worker` (or `MessagePort`, or a worker's own scope) the protocol uses. */
export interface MessageEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** `'message'`; on the page also `'messageerror'` and a Worker's `'error'` (its script failed to load or threw). */
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  removeEventListener(type: string, listener: (event: MessageEvent) => void): void;
  /** A `MessagePort`'s: its messages are delivered only once it is started. */
  start?(): void;
}

/** Whether `data` is a protocol message of stream `id` (any stream when `id` is undefined). */
export function isStreamMessage<T extends ToWorker | ToPage>(data: unknown, id?: number): data is T {
  const m = data as { type?: unknown; id?: unknown } | null;
  return typeof m === 'object' && m !== null && m.type === STREAM_MESSAGE && (id === undefined || m.id === id);
}

export function toWire(err: unknown): WireError {
  if (err instanceof OnnxMobilenetError) return { code: err.code, message: err.message };
  return { code: 'E_RUNTIME', message: `the worker's stream failed: ${err instanceof Error ? err.message : String(err)}` };
}

export function fromWire(err: WireError): OnnxMobilenetError {
  return new OnnxMobilenetError(err.code, err.message);
}
