import { OnnxMobilenetError } from '@onnx-mobilenet/core';
import type { DecodeEncoded } from './image-source.js';

/** The wasm path's image decoder (JPEG, PNG, WebP without the DOM or native modules). */
export const decode: DecodeEncoded = async (_bytes, name) => {
  throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode ${name}: the wasm path's decoder is not built yet`);
};
