/**
 * Stable error codes carried by every {@link OnnxMobilenetError}.
 *
 * - `E_MODEL_LOAD`: the model file could not be read or is not a valid ONNX model.
 * - `E_MODEL_SHAPE`: the model loads but its input/output do not fit an image classifier.
 * - `E_MODEL_CHECKSUM`: a downloaded or cached file does not match its pinned sha256.
 * - `E_DOWNLOAD`: a network fetch failed (HTTP status, connection cut, short body).
 * - `E_LABELS`: the label list could not be read or does not match the model's classes.
 * - `E_IMAGE_DECODE`: an image could not be decoded (corrupt, truncated, unsupported).
 * - `E_INPUT`: an argument has the wrong type or inconsistent dimensions.
 * - `E_NOT_FOUND`: a file named by the caller does not exist.
 * - `E_DISPOSED`: the classifier was disposed before or during the call.
 * - `E_INFERENCE`: onnxruntime failed while running the model.
 * - `E_LIMIT`: an input, file or download exceeds a configured limit (see `limits`).
 * - `E_CACHE`: the download cache cannot be written (the directory is a file, read-only or full);
 *   the fix is on the machine (or another `cacheDir`), not the network.
 * - `E_FORBIDDEN`: a file or network address the configuration does not allow: a private or
 *   loopback address without `allowPrivateNetwork`, a host refused by the caller's host check, a
 *   queue job's path outside the worker's `roots`. The message names the option that widens it.
 * - `E_QUEUE`: the job queue's Redis (`@onnx-mobilenet/queue`) cannot be reached, fails a command
 *   or holds a record that the queue did not write (a corrupt stored result).
 * - `E_RUNTIME`: this runtime cannot run the classifier, whatever the model or image: a native
 *   module does not load (onnxruntime-node's binding or its `libonnxruntime.so.1`, sharp), the
 *   runtime forbids compiling WebAssembly or has no dynamic `import()` (edge runtimes), onnxruntime's
 *   `.wasm` file cannot be fetched, or there is no image decoder (the web adapter outside a
 *   browser), or a native library that cannot be unpacked (a `bun build --compile` executable whose
 *   temporary folder is read-only or noexec: set `TMPDIR`). The message quotes the runtime's own
 *   first line and names the fix.
 */
export type ErrorCode =
  | 'E_MODEL_LOAD'
  | 'E_MODEL_SHAPE'
  | 'E_MODEL_CHECKSUM'
  | 'E_DOWNLOAD'
  | 'E_LABELS'
  | 'E_IMAGE_DECODE'
  | 'E_INPUT'
  | 'E_NOT_FOUND'
  | 'E_DISPOSED'
  | 'E_INFERENCE'
  | 'E_LIMIT'
  | 'E_CACHE'
  | 'E_FORBIDDEN'
  | 'E_QUEUE'
  | 'E_RUNTIME';

/**
 * The one error type thrown by onnx-mobilenet. Branch on `code`, which is stable across
 * releases; `message` names the problem and, where there is one, the fix.
 *
 * @example
 * ```ts
 * import { OnnxMobilenetError } from '@onnx-mobilenet/core';
 * try {
 *   await classifier.classify('missing.jpg');
 * } catch (err) {
 *   if (err instanceof OnnxMobilenetError && err.code === 'E_NOT_FOUND') console.error(err.message);
 *   else throw err;
 * }
 * ```
 */
export class OnnxMobilenetError extends Error {
  /** Stable machine-readable error code. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    // The backstop of clipText's rule: no message, however it was built, carries megabytes.
    super(message.length > MAX_MESSAGE_CHARS ? clipText(message, MAX_MESSAGE_CHARS) : message, options);
    this.name = 'OnnxMobilenetError';
    this.code = code;
  }
}

/**
 * True when `err` is an {@link OnnxMobilenetError}, optionally with the given code. Works across
 * duplicated copies of the package (it checks the shape, not the prototype).
 *
 * @example
 * ```ts
 * if (isOnnxMobilenetError(err, 'E_IMAGE_DECODE')) skip(file);
 * ```
 */
export function isOnnxMobilenetError(err: unknown, code?: ErrorCode): err is OnnxMobilenetError {
  if (!(err instanceof Error) || err.name !== 'OnnxMobilenetError') return false;
  return code === undefined || (err as OnnxMobilenetError).code === code;
}

/**
 * Short text of an unknown thrown value, for wrapping it into a message.
 *
 * @example
 * ```ts
 * describeError(new Error('boom')); // 'boom'
 * ```
 */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Longest piece of caller data (a path, URL, file name, label, string value) quoted in a message. */
export const MAX_QUOTED_CHARS = 200;
/** Longest message of an {@link OnnxMobilenetError}; longer ones are cut (a backstop: quoted values are cut first). */
const MAX_MESSAGE_CHARS = 4096;

/**
 * `text` cut to `max` characters, the cut marked with an ellipsis: every value from the caller or
 * a file goes into a message through this, so a 60 MB path or URL makes a short message.
 *
 * @example
 * ```ts
 * clipText('a'.repeat(1000)).length; // 200
 * ```
 */
export function clipText(text: string, max = MAX_QUOTED_CHARS): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // never split a surrogate pair
  if (end > 0 && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * `E_LIMIT` for `subject` of `bytes` bytes over a byte limit: the one message of every byte limit.
 * `limit` names the setting that raises it; `orMore` where reading stopped at that count.
 *
 * @example
 * ```ts
 * throw byteLimitError('image upload.jpg', 70_000_000, 'limits.maxEncodedBytes', 67_108_864);
 * // "image upload.jpg has 70000000 bytes, over limits.maxEncodedBytes (67108864)"
 * ```
 */
export function byteLimitError(subject: string, bytes: number, limit: string, max: number, orMore = false): OnnxMobilenetError {
  return new OnnxMobilenetError('E_LIMIT', `${subject} has ${bytes} bytes${orMore ? ' or more' : ''}, over ${limit} (${max})`);
}

/**
 * A short description of a value of unexpected type, for error messages.
 *
 * @example
 * ```ts
 * describeValue(42); // 'number 42'
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  if (typeof value === 'string') return value === '' ? 'an empty string' : `the string ${JSON.stringify(clipText(value))}`;
  return `${typeof value} ${clipText(String(value))}`;
}
