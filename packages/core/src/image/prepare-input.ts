import type { ImageDecoder, Warn } from '../backend.js';
import { type NetworkPolicy, STRICT_NETWORK } from '../io/network-policy.js';
import { abortable, throwIfAborted } from '../flow/abortable.js';
import type { Limits, PreprocessOptions } from '../options/defaults.js';
import { bytesView } from '../io/bytes.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import { assertRawImage, isPreparedTensor, isRawImage, type PreparedTensor, type RawImage } from './image.js';
import { normalizeToCHW } from './normalize.js';
import { resizeAndCrop } from './preprocess.js';
import { planResize } from './resize-plan.js';
import { assertSourceLength } from '../io/sources.js';

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
export type PreparedImage = { crop: RawImage } | { tensor: Float32Array };

/**
 * Input preparation: any input (the environment's images, raw pixels, prepared tensors) to the
 * model's normalised CHW float32 values, through core's preprocessing. The pixel limit is checked
 * here only, from the header where the decoder reports it, else from the decoded size.
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

  /** Writes a prepared image's model input into `out` at `offset` (a batch buffer). */
  write(image: PreparedImage, out: Float32Array, offset: number): void {
    if ('tensor' in image) out.set(image.tensor, offset);
    else normalizeToCHW(image.crop, this.pre.mean, this.pre.std, out, offset);
  }

  /** Decodes, resizes and crops (or checks a prepared tensor), leaving normalisation to the batch. */
  async prepareImage(input: TInput | RawImage | PreparedTensor, signal?: AbortSignal): Promise<PreparedImage> {
    throwIfAborted(signal);
    const pre = this.pre;
    if (isPreparedTensor(input)) return { tensor: this.checkTensor(input) };
    if (isRawImage(input)) {
      assertRawImage(input);
      this.checkPixels(input.width, input.height);
      return { crop: resizeAndCrop(input, pre, this.limits.maxResizedPixels) };
    }
    if (input === null || input === undefined) throw new OnnxMobilenetError('E_INPUT', `expected an image, got ${String(input)}`);
    assertSourceLength(input, 'image', this.limits);
    const plan = (w: number, h: number) => {
      this.checkPixels(w, h);
      return planResize(w, h, pre, this.limits.maxResizedPixels);
    };
    const decoded = await abortable(
      this.decoder.decodeImage(input as TInput, plan, { signal, limits: this.limits, warn: this.warn, network: this.network }),
      signal,
    );
    if (!decoded.planned) {
      this.checkPixels(decoded.image.width, decoded.image.height);
      return { crop: resizeAndCrop(decoded.image, pre, this.limits.maxResizedPixels) };
    }
    // The decoder resized and cropped natively.
    const crop = decoded.image;
    if (crop.width !== pre.cropSize || crop.height !== pre.cropSize) {
      throw new OnnxMobilenetError(
        'E_INPUT',
        `the ${this.decoderName} decoder returned ${crop.width}x${crop.height}, expected ${pre.cropSize}x${pre.cropSize}`,
      );
    }
    return { crop };
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

  private checkPixels(width: number, height: number): void {
    const max = this.limits.maxInputPixels;
    if (width * height > max) {
      throw new OnnxMobilenetError('E_LIMIT', `the image is ${width}x${height} (${width * height} pixels), over limits.maxInputPixels (${max})`);
    }
  }
}
