// The wasm package's image decoder: JPEG (MozJPEG) and WebP (libwebp) in wasm from precompiled
// modules, PNG in JavaScript. Edge entries import this; the Node default entry adds node-codecs.ts.
export { CODEC_WASM_FILES, type CodecModules, type WasmCodecName } from './codec-files.js';
export {
  EDGE_IMAGE_FORMATS,
  EdgeCodecs,
  createEdgeDecoder,
  decodeEncodedImage,
  openEncodedImage,
  prepareEncodedImage,
  type EdgeDecoderOptions,
  type EdgeImageSource,
} from './decode-image.js';
