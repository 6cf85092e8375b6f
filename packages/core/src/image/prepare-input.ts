import type { ImageDecoder, Warn } from '../backend.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import { abortable, throwIfAborted } from '../flow/abortable.js';
import { bytesView } from '../io/bytes.js';
import { type NetworkPolicy, STRICT_NETWORK } from '../io/network-policy.js';
import { assertSourceLength } from '../io/sources.js';
import type { Limits, PreprocessOptions } from '../options/defaults.js';
import { assertRawImage, isPreparedTensor, isRawImage, type PreparedTensor, type RawImage } from './image.js';
import { assertInputPixels } from './image-limits.js';
import { normalizeToCHW } from './normalize.js';
import { resampleBilinear } from './resample.js';
import { planResize, type Rect, type ResizePlan } from './resize-plan.js';

/** How messages name raw pixels given to a call (`image given as raw pixels is 20000x20000 ...`). */
const RAW_NAME = 'given as raw pixels';

/**
 * A copy of what the call reads later: encoded bytes (decoders read them asynchronously) and
 * prepared tensors (packed into a batch later) always, raw pixels when `later` (an array's items
 * after its first batch). Raw pixels of a first batch are resized before control returns.
 */
export function ownInput<T>(input: T, later: boolean): T {
  const copy = copierOf(input, later);
  return copy ? copy.make() : input;
}

/** True for an input the decoder reads (not raw pixels or a prepared tensor, which core handles). */
export function needsDecoder(input: unknown): boolean {
  return !isPreparedTensor(input) && !isRawImage(input);
}

/** The bytes {@link ownInput} copies of `input` (0 when it takes no copy), counted before copying. */
export function ownedBytes(input: unknown, later: boolean): number {
  return copierOf(input, later)?.bytes ?? 0;
}

/** The copy {@link ownInput} takes of `input`, if any: its size, and how to make it. */
function copierOf<T>(input: T, later: boolean): { bytes: number; make: () => T } | undefined {
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const view = bytesView(input, 'image');
    return { bytes: view.byteLength, make: () => view.slice() as T };
  }
  if (isPreparedTensor(input)) return { bytes: input.data.byteLength, make: () => ({ data: input.data.slice(), dims: [...input.dims] }) as T };
  if (later && isRawImage(input)) return { bytes: input.data.byteLength, make: () => ({ ...input, data: input.data.slice() }) as T };
  return undefined;
}

/**
 * A prepared image as it waits for its session run: the 8-bit crop the model will see (normalised
 * straight into the batch buffer when the run starts: a quarter of the memory while it waits, and
 * no buffer or copy of its own), or a checked prepared tensor.
 */
export type PreparedImage = { crop: RawImage; centre?: Rect | undefined } | { tensor: Float32Array };

/**
 * Input preparation, read forward: any input (the environment's images, raw pixels, prepared
 * tensors) to the 8-bit crop the model will see (or a checked tensor), then, when its batch runs,
 * normalised CHW float32 written into the batch tensor.
 */
export class InputPreparer<TInput> {
  constructor(
    private readonly decoder: ImageDecoder<TInput>,
    private readonly decoderName: string,
    private readonly pre: PreprocessOptions,
    private readonly limits: Limits,
    private readonly warn?: Warn,
    private readonly network: NetworkPolicy = STRICT_NETWORK,
  ) {}

  /**
   * What a call keeps of an input, taken before the call returns: {@link ownInput}'s copies, and
   * the decoder's `snapshot` of an environment input the caller can still change (its pixels).
   */
  ownedBytes(input: TInput | RawImage | PreparedTensor, later: boolean): number {
    const copied = ownedBytes(input, later);
    if (copied > 0 || isRawImage(input) || isPreparedTensor(input) || input === null || input === undefined) return copied;
    return this.decoder.snapshotBytes?.(input as TInput, { limits: this.limits, warn: this.warn }) ?? 0;
  }

  own(input: TInput | RawImage | PreparedTensor, later: boolean): TInput | RawImage | PreparedTensor {
    const owned = ownInput(input, later);
    if (owned !== input || isRawImage(input) || isPreparedTensor(input) || input === null || input === undefined) return owned;
    return this.decoder.snapshot ? this.decoder.snapshot(input as TInput, { limits: this.limits, warn: this.warn }) : input;
  }

  /** The image's model input: normalised CHW float32, `3 × cropSize × cropSize` values. */
  async prepare(input: TInput | RawImage | PreparedTensor, signal?: AbortSignal): Promise<Float32Array> {
    const image = await this.prepareImage(input, signal);
    return 'tensor' in image ? image.tensor : normalizeToCHW(image.crop, this.pre.mean, this.pre.std);
  }

  /**
   * One image as it waits for its run, in four steps: open (the decoder reads the input as far as
   * its size), plan (the size checked against `limits.maxInputPixels`, core's resize plan), decode
   * (the decoder returns the plan's crop, or the whole image), resize (core's resampler, for a
   * whole image). Raw pixels skip open and decode, and are resized before the first await (a
   * first batch's are not copied: see {@link ownInput}). Normalisation waits for {@link write}.
   */
  async prepareImage(input: TInput | RawImage | PreparedTensor, signal?: AbortSignal, uncropped = false): Promise<PreparedImage> {
    throwIfAborted(signal);
    if (isPreparedTensor(input)) return { tensor: this.checkTensor(input) };
    // Training views: the whole resized image, and where the centre crop is in it.
    const target = (plan: ResizePlan): ResizePlan => (uncropped ? { ...plan, crop: { left: 0, top: 0, width: plan.width, height: plan.height } } : plan);
    if (isRawImage(input)) {
      assertRawImage(input);
      const plan = this.plan(RAW_NAME, input.width, input.height);
      return { crop: this.resize(input, target(plan)), centre: plan.crop };
    }
    if (input === null || input === undefined) throw new OnnxMobilenetError('E_INPUT', `expected an image, got ${String(input)}`);
    assertSourceLength(input, 'image', this.limits);
    const context = { signal, limits: this.limits, warn: this.warn, network: this.network };
    const image = await abortable(this.decoder.open(input as TInput, context), signal);
    const plan = this.plan(image.name, image.width, image.height);
    const pixels = await abortable(image.decode(target(plan)), signal);
    if ('crop' in pixels) return { crop: this.sized(pixels.crop, target(plan).crop, image.name), centre: plan.crop };
    return { crop: this.resize(this.sized(pixels.whole, image, image.name), target(plan)), centre: plan.crop };
  }

  /** Writes a prepared image's model input into `out` at `offset` (the batch tensor), normalising an 8-bit crop there. */
  write(image: PreparedImage, out: Float32Array, offset: number): void {
    if ('tensor' in image) out.set(image.tensor, offset);
    else normalizeToCHW(image.crop, this.pre.mean, this.pre.std, out, offset);
  }

  /** The resize and crop of an image of `width`×`height`, once its size is within `limits.maxInputPixels`. */
  private plan(name: string, width: number, height: number): ResizePlan {
    assertInputPixels(name, width, height, this.limits);
    return planResize(width, height, this.pre, this.limits.maxResizedPixels);
  }

  /** A whole image resized and cropped per `plan` by core's resampler (antialiased bilinear, as the reference). */
  private resize(whole: RawImage, plan: ResizePlan): RawImage {
    return resampleBilinear(whole, plan.width, plan.height, plan.crop);
  }

  /** `pixels`, checked to be the size the decoder promised (`E_IMAGE_DECODE` otherwise: a decoder's fault). */
  private sized(pixels: RawImage, expected: { width: number; height: number }, name: string): RawImage {
    assertRawImage(pixels);
    if (pixels.width !== expected.width || pixels.height !== expected.height) {
      throw new OnnxMobilenetError(
        'E_IMAGE_DECODE',
        `cannot decode image ${name}: the ${this.decoderName} decoder returned ${pixels.width}x${pixels.height}, expected ${expected.width}x${expected.height}`,
      );
    }
    return pixels;
  }

  private checkTensor(input: PreparedTensor): Float32Array {
    const size = this.pre.cropSize;
    const dims = input.dims;
    const ok =
      (dims.length === 4 && dims[0] === 1 && dims[1] === 3 && dims[2] === size && dims[3] === size) ||
      (dims.length === 3 && dims[0] === 3 && dims[1] === size && dims[2] === size);
    if (!ok || input.data.length !== 3 * size * size) {
      throw new OnnxMobilenetError(
        'E_INPUT',
        `a prepared tensor must have dims [1, 3, ${size}, ${size}] and ${3 * size * size} values; got dims [${dims.join(', ')}] and ${input.data.length} values`,
      );
    }
    return input.data;
  }
}
