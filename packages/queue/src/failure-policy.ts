import { isOnnxMobilenetError, type ErrorCode } from '@onnx-mobilenet/node';

/**
 * Codes a retry cannot fix: the same bytes decode the same way, a limit stays exceeded, a missing
 * file stays missing, a path outside the worker's roots stays outside. Such a job fails once, its
 * error is recorded, and it is never retried.
 *
 * @example
 * ```ts
 * PERMANENT_CODES.includes('E_IMAGE_DECODE'); // true: a broken photo stays broken
 * ```
 */
export const PERMANENT_CODES: readonly ErrorCode[] = ['E_IMAGE_DECODE', 'E_LIMIT', 'E_INPUT', 'E_NOT_FOUND', 'E_FORBIDDEN'];

/**
 * A failure as it is stored: the library's code and its message. A failure that is not an
 * `OnnxMobilenetError` (a bug, or a Redis error) has no code: none is invented for it.
 */
export interface JobFailure {
  code?: ErrorCode | undefined;
  message: string;
}

/**
 * True when retrying cannot help (see {@link PERMANENT_CODES}). Everything else (`E_DOWNLOAD`,
 * a timeout, an onnxruntime hiccup, an unknown error) is transient: retried with backoff until the
 * job's attempts are spent.
 *
 * @example
 * ```ts
 * isPermanentFailure(new OnnxMobilenetError('E_LIMIT', 'too many pixels')); // true
 * isPermanentFailure(new Error('connection reset')); // false: retried
 * ```
 */
export function isPermanentFailure(err: unknown): boolean {
  return isOnnxMobilenetError(err) && PERMANENT_CODES.includes(err.code);
}

/**
 * The stored form of a thrown value.
 *
 * @example
 * ```ts
 * describeJobFailure(new Error('boom')); // { message: 'boom' }: no code is invented
 * ```
 */
export function describeJobFailure(err: unknown): JobFailure {
  if (isOnnxMobilenetError(err)) return { code: err.code, message: err.message };
  return { message: err instanceof Error ? err.message : String(err) };
}
