import type { describeError, now, readableFeed } from '@onnx-mobilenet/core/adapter';

/**
 * What the lazily loaded feeds use of core and of the entry, handed over by `openLiveSource`: a
 * lazy chunk that imported them itself would split the entry's modules into shared chunks,
 * compressed apart (0.3 KB more gzip than the feeds themselves save).
 */
export interface LiveTools {
  readableFeed: typeof readableFeed;
  now: typeof now;
  describeError: typeof describeError;
  /** An `E_INPUT` `OnnxMobilenetError`. */
  inputError(message: string, cause?: unknown): Error;
  /** Marks a bitmap the feed made, for `releaseWebInput` to close. */
  ownBitmap(bitmap: ImageBitmap): ImageBitmap;
}
