import { throwIfAborted } from '../flow/abortable.js';
import type { BatchScheduler } from '../flow/batch-scheduler.js';
import { slots } from '../flow/slots.js';
import { type ItemContext, workPool } from '../flow/work-pool.js';
import { isOnnxMobilenetError, OnnxMobilenetError } from '../errors/errors.js';
import type { PreparedTensor, RawImage } from '../image/image.js';
import { type InputPreparer, needsDecoder, type PreparedImage } from '../image/prepare-input.js';
import { DEFAULTS } from '../options/defaults.js';
import { pendingBytes } from './pending-bytes.js';
import type { RunItem, RunOutput } from './session-runner.js';

type Input<TInput> = TInput | RawImage | PreparedTensor;

export interface ImageRunsOptions<TInput> {
  preparer: InputPreparer<TInput>;
  /** Batches prepared images into session runs. */
  scheduler: BatchScheduler<RunOutput, RunItem>;
  /** Most images in one session run. */
  maxBatch: number;
  /** The decoder's own cap on decodes at once (`ImageDecoder.maxConcurrent`), if any. */
  decoderCap: number | undefined;
  /** Images decoding or waiting for their run across all calls (`maxConcurrentDecodes`). */
  maxConcurrentDecodes: number;
  /** `limits.maxPendingBytes`. */
  maxPendingBytes: number;
  /** Throws once the classifier is disposed: checked before a prepared image is queued. */
  assertUsable: () => void;
}

/**
 * A failure to prepare `inputs[index]` of an array call, with that place named first: a typed error
 * gets a copy with the same code and the original as `cause`; anything else is left as it is.
 */
function atInput(err: unknown, index: number, count: number): unknown {
  if (!isOnnxMobilenetError(err)) return err;
  return new OnnxMobilenetError(err.code, `inputs[${index}] (of ${count}): ${err.message}`, { cause: err });
}

const asThrown = (err: unknown) => err;

/** How the calls of one classifier prepare their images and run them. */
export interface ImageRuns<TInput> {
  /**
   * Prepares and runs a call's inputs as a stream: each image goes to the batch scheduler as soon
   * as it is prepared, so inference starts with the first decoded image and decoding goes on
   * meanwhile (the scheduler batches what arrives during a run). At most `DEFAULTS.maxInFlight`
   * images (or two batches, if more) are started and not yet run per call, as 8-bit crops while
   * they wait, and at most the decoder's `maxConcurrent` of them decoding. The first failure, or
   * the caller's signal, rejects the call and stops it: nothing more is started, prepared images
   * are not queued, and queued ones leave the queue unrun. With `indexed` (an array call), an
   * input that cannot be prepared fails the call with its position in the message.
   */
  run(inputs: readonly Input<TInput>[], embedding: boolean, signal: AbortSignal | undefined, indexed: boolean): Promise<RunOutput[]>;
  /** One image's model input, its copy counted as a call's are (`prepare()`). */
  prepare(input: Input<TInput>, signal: AbortSignal | undefined): Promise<Float32Array>;
  /** One image resized but not cropped, with the reference crop in it (`centre`), for training views. */
  resized(input: Input<TInput>, signal: AbortSignal | undefined): Promise<PreparedImage>;
}

/** The bounds the calls of one classifier share (decode slots, pending bytes), and one call's run. */
export function imageRuns<TInput>(o: ImageRunsOptions<TInput>): ImageRuns<TInput> {
  const { preparer, scheduler, assertUsable } = o;
  const window = Math.max(DEFAULTS.maxInFlight, 2 * o.maxBatch);
  // Decodes one call runs at once: the decoder's cap, else no cap but the window.
  const decodes = Math.min(window, o.decoderCap ?? DEFAULTS.maxInFlight);
  // Images the decoder reads, decoding or waiting for their run, across all calls
  // (`maxConcurrentDecodes`): 10,000 concurrent calls read, decode and hold 64 images at a time, not 10,000.
  const decodeSlot = slots(Math.min(o.maxConcurrentDecodes, o.decoderCap ?? Number.POSITIVE_INFINITY));
  const pending = pendingBytes(preparer, o.maxPendingBytes);

  /**
   * `work` on `input` once a decode slot is free, the slot held until `work` settles (the image's
   * run included). Raw pixels and prepared tensors need none and start at once: a first batch's
   * raw pixels are resized before control returns, as `ownInput` relies on.
   */
  const withDecodeSlot = <T>(input: Input<TInput>, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> =>
    needsDecoder(input) ? decodeSlot(signal, work) : work();

  /** One image: prepared, then queued for the next session run, unless its call stopped meanwhile. */
  const prepareAndRun = (
    input: Input<TInput>,
    embedding: boolean,
    signal: AbortSignal | undefined,
    named: (err: unknown) => unknown,
    onPrepared: () => void,
  ) => {
    throwIfAborted(signal);
    return withDecodeSlot(input, signal, async () => {
      let image: PreparedImage;
      try {
        image = await preparer.prepareImage(input, signal);
      } catch (err) {
        throw signal?.aborted && err === signal.reason ? err : named(err);
      }
      onPrepared();
      throwIfAborted(signal);
      assertUsable();
      const [output] = await scheduler.submit([{ write: (out, offset) => preparer.write(image, out, offset), embedding }], signal);
      return output!; // one item, one output
    });
  };

  /** `work` on the call's own copy of one input, with a decode slot. */
  const one = async <T>(input: Input<TInput>, signal: AbortSignal | undefined, work: (mine: Input<TInput>) => Promise<T>): Promise<T> => {
    const { owned, release } = pending.hold([input], 0, asThrown);
    const mine = owned[0]!; // one input, one copy
    try {
      return await withDecodeSlot(mine, signal, () => work(mine));
    } finally {
      release(0);
    }
  };
  return {
    run(inputs, embedding, signal, indexed) {
      const count = inputs.length;
      // Taken now, before control returns to the caller, who may then reuse its buffers. The pool
      // starts the first `decodes` images before it returns: their raw pixels are resized by then.
      const { owned, release } = pending.hold(inputs, decodes, indexed ? (err, i) => atInput(err, i, count) : asThrown);
      const task = (input: Input<TInput> | undefined, { index, signal: own, endPhase }: ItemContext) =>
        prepareAndRun(input!, embedding, own, indexed ? (err) => atInput(err, index, count) : asThrown, endPhase); // started before release
      return workPool(owned, task, { window, phaseCap: decodes, signal, mode: 'fail-fast', release }).values();
    },
    prepare: (input, signal) => one(input, signal, (mine) => preparer.prepare(mine, signal)),
    resized: (input, signal) => one(input, signal, (mine) => preparer.prepareImage(mine, signal, true)),
  };
}
