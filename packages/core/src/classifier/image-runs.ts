import { throwIfAborted } from '../flow/abortable.js';
import type { BatchScheduler } from '../flow/batch-scheduler.js';
import { Slots } from '../flow/slots.js';
import { WorkPool } from '../flow/work-pool.js';
import { isOnnxMobilenetError, OnnxMobilenetError } from '../errors/errors.js';
import type { PreparedTensor, RawImage } from '../image/image.js';
import { type InputPreparer, needsDecoder, type PreparedImage } from '../image/prepare-input.js';
import { DEFAULTS } from '../options/defaults.js';
import { PendingBytes } from './pending-bytes.js';
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

/** How the calls of one classifier prepare their images and run them: the bounds they share, and one call's run. */
export class ImageRuns<TInput> {
  /** Images one call has started and not yet run: `DEFAULTS.maxInFlight`, or two batches if more. */
  private readonly window: number;
  /** Decodes one call runs at once: the decoder's cap, else no cap but the window. */
  private readonly decodes: number;
  /** Images the decoder reads, decoding or waiting for their run, across all calls (`maxConcurrentDecodes`). */
  private readonly decodeSlots: Slots;
  private readonly pending: PendingBytes<TInput>;

  constructor(private readonly o: ImageRunsOptions<TInput>) {
    this.window = Math.max(DEFAULTS.maxInFlight, 2 * o.maxBatch);
    this.decodes = Math.min(this.window, o.decoderCap ?? DEFAULTS.maxInFlight);
    // One pool for every call: 10,000 concurrent calls read, decode and hold 64 images at a time, not 10,000.
    this.decodeSlots = new Slots(Math.min(o.maxConcurrentDecodes, o.decoderCap ?? Number.POSITIVE_INFINITY));
    this.pending = new PendingBytes(o.preparer, o.maxPendingBytes);
  }

  /**
   * Prepares and runs a call's inputs as a stream: each image goes to the batch scheduler as soon
   * as it is prepared, so inference starts with the first decoded image and decoding goes on
   * meanwhile (the scheduler batches what arrives during a run). At most `window` images are
   * started and not yet run, as 8-bit crops while they wait, and at most `decodes` of them
   * decoding. The first failure, or the caller's signal, rejects the call and stops it: nothing
   * more is started, prepared images are not queued, and queued ones leave the queue unrun. With
   * `indexed` (an array call), an input that cannot be prepared fails the call with its position.
   */
  run(inputs: readonly Input<TInput>[], embedding: boolean, signal: AbortSignal | undefined, indexed: boolean): Promise<RunOutput[]> {
    const count = inputs.length;
    // Taken now, before control returns to the caller, who may then reuse its buffers. The pool
    // starts the first `decodes` images before it returns: their raw pixels are resized by then.
    const { owned, release } = this.pending.hold(inputs, this.decodes, indexed ? (err, i) => atInput(err, i, count) : asThrown);
    const pool = new WorkPool(
      owned,
      (input, { index, signal: own, endPhase }) =>
        this.prepareAndRun(input!, embedding, own, indexed ? (err) => atInput(err, index, count) : asThrown, endPhase),
      { window: this.window, phaseCap: this.decodes, signal, mode: 'fail-fast', release },
    );
    return pool.values();
  }

  /** One image's model input, its copy counted as a call's are (`prepare()`). */
  async prepare(input: Input<TInput>, signal: AbortSignal | undefined): Promise<Float32Array> {
    const { owned, release } = this.pending.hold([input], 0, asThrown);
    const mine = owned[0]!; // one input, one copy
    try {
      return await this.withDecodeSlot(mine, signal, () => this.o.preparer.prepare(mine, signal));
    } finally {
      release(0);
    }
  }

  /**
   * `work` on `input` once a decode slot is free, the slot held until `work` settles (the image's
   * run included). Raw pixels and prepared tensors need none and start at once: a first batch's
   * raw pixels are resized before control returns, as `ownInput` relies on.
   */
  private withDecodeSlot<T>(input: Input<TInput>, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    return needsDecoder(input) ? this.decodeSlots.run(signal, work) : work();
  }

  /** One image: prepared, then queued for the next session run, unless its call stopped meanwhile. */
  private async prepareAndRun(
    input: Input<TInput>,
    embedding: boolean,
    signal: AbortSignal | undefined,
    named: (err: unknown) => unknown,
    onPrepared: () => void,
  ): Promise<RunOutput> {
    throwIfAborted(signal);
    return this.withDecodeSlot(input, signal, async () => {
      const { preparer } = this.o;
      let image: PreparedImage;
      try {
        image = await preparer.prepareImage(input, signal);
      } catch (err) {
        throw signal?.aborted && err === signal.reason ? err : named(err);
      }
      onPrepared();
      throwIfAborted(signal);
      this.o.assertUsable();
      const [output] = await this.o.scheduler.submit([{ write: (out, offset) => preparer.write(image, out, offset), embedding }], signal);
      return output!; // one item, one output
    });
  }
}
