import { OnnxMobilenetError } from '../errors/errors.js';
import type { PreparedTensor, RawImage } from '../image/image.js';
import type { InputPreparer } from '../image/prepare-input.js';

type Input<TInput> = TInput | RawImage | PreparedTensor;

type Held<TInput> = { owned: (Input<TInput> | undefined)[]; release: (i: number) => void };

/**
 * The copies calls in progress hold of their inputs (see `ownInput`: the caller may reuse its
 * buffers once control returns), counted against `limits.maxPendingBytes` (`max`) across all the
 * calls of one classifier.
 */
export function pendingBytes<TInput>(preparer: InputPreparer<TInput>, max: number) {
  let held = 0;
  return {
    /**
     * Copies of `inputs`, raw pixels from `copyPixelsFrom` on (those before it are resized before
     * control returns), their bytes counted before anything is copied: a call that would pass the
     * limit is `E_LIMIT`. `named(err, i)` is what a failure to size input i is thrown as.
     * `release(i)` gives input i's bytes back once it is done (or never started); twice is harmless.
     */
    hold(inputs: readonly Input<TInput>[], copyPixelsFrom: number, named: (err: unknown, index: number) => unknown): Held<TInput> {
      const sizes = inputs.map((x, i) => {
        try {
          return preparer.ownedBytes(x, i >= copyPixelsFrom);
        } catch (err) {
          throw named(err, i);
        }
      });
      const total = sizes.reduce((a, b) => a + b, 0);
      if (total > 0 && held + total > max) {
        throw new OnnxMobilenetError(
          'E_LIMIT',
          `${total} bytes of inputs to copy (buffers, pixels), and calls in progress hold ${held}: over limits.maxPendingBytes (${max}); use classifyAll for many images`,
        );
      }
      held += total;
      let owned: (Input<TInput> | undefined)[];
      try {
        owned = inputs.map((x, i) => preparer.own(x, i >= copyPixelsFrom));
      } catch (err) {
        held -= total; // out of memory while copying: nothing is held
        throw err;
      }
      // The copy is dropped with its bytes, so what is counted is what is held.
      const release = (i: number) => {
        held -= sizes[i]!;
        sizes[i] = 0;
        owned[i] = undefined;
      };
      return { owned, release };
    },
  };
}
