// The wasm codecs of one decoder (MozJPEG, libwebp), instantiated from the modules it was given,
// and their failures as typed errors.
import { OnnxMobilenetError } from '@onnx-mobilenet/core';
import { clipText, describeError, describeValue, IMAGE_FORMAT_NAMES } from '@onnx-mobilenet/core/adapter';
import { CODEC_WASM_FILES, type CodecModules, type WasmCodecName } from './codec-files.js';
import { CodecFailure, EmscriptenCodec } from './emscripten-codec.js';

/**
 * The wasm codecs of one decoder, instantiated on first use from the modules it was given; `E_INPUT`
 * for a module that is not a `WebAssembly.Module`.
 *
 * @example
 * ```ts
 * const codecs = new EdgeCodecs({ jpeg, webp });
 * const pixels = await decodeEncodedImage(bytes, 'upload.jpg', codecs, resolveLimits());
 * ```
 */
export class EdgeCodecs {
  private readonly codecs: Partial<Record<WasmCodecName, EmscriptenCodec>> = {};

  constructor(modules: CodecModules) {
    for (const codec of Object.keys(CODEC_WASM_FILES) as WasmCodecName[]) {
      const module = modules[codec];
      if (module === undefined) continue;
      // by its tag, not instanceof: a module from another realm (a VM context, a bundler's) is one too
      if (Object.prototype.toString.call(module) !== '[object WebAssembly.Module]') {
        throw new OnnxMobilenetError(
          'E_INPUT',
          `codecs.${codec} must be a WebAssembly.Module (the statically imported ${CODEC_WASM_FILES[codec].file}), got ${describeValue(module)}`,
        );
      }
      this.codecs[codec] = new EmscriptenCodec(codec, module);
    }
  }

  /** The codec for `codec`, or `E_IMAGE_DECODE` naming the module that was not given. */
  get(codec: WasmCodecName, name: string): EmscriptenCodec {
    const found = this.codecs[codec];
    if (found) return found;
    const format = IMAGE_FORMAT_NAMES[codec];
    throw new OnnxMobilenetError(
      'E_IMAGE_DECODE',
      `cannot decode image ${name}: it is ${format}, and this decoder was made without the ${format} codec; pass codecs.${codec} (a WebAssembly.Module of ${CODEC_WASM_FILES[codec].file})`,
    );
  }
}

/** A decode failure of a codec as a typed error: a CMYK JPEG says so, anything else quotes the codec. */
export function codecError(err: unknown, name: string, format: string): OnnxMobilenetError {
  if (err instanceof OnnxMobilenetError) return err;
  const reason = err instanceof CodecFailure ? err.message : describeError(err);
  if (/unsupported color conversion/i.test(reason)) {
    return new OnnxMobilenetError(
      'E_IMAGE_DECODE',
      `cannot decode image ${name}: it is a CMYK (or YCCK) JPEG, which the wasm decoder does not convert to RGB; save it as an RGB JPEG, or classify it with the Node adapter`,
      { cause: err },
    );
  }
  return new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode image ${name} (${format}): ${clipText(reason)}`, { cause: err });
}

/** `E_IMAGE_DECODE` for a file cut short (libjpeg pads one with grey; libvips, sharp's failOn 'error', refuses it). */
export const cutShort = (name: string, format: string) =>
  new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode image ${name}: the ${format} file is cut short (truncated)`);
