import { type AdapterOptions, OnnxMobilenetError } from '@onnx-mobilenet/core';
import { clipText, describeError } from '@onnx-mobilenet/core/adapter';

/** The guide that gives each bundler's setting for onnxruntime-web's files. */
export const BUNDLERS_GUIDE = 'https://github.com/onnx-mobilenet/onnx-mobilenet/blob/main/docs/guides/bundlers.md';

/**
 * onnxruntime-web's message when it could not fetch or compile its own `.wasm` or `.mjs`: a failed
 * dynamic import (Chromium, Firefox, WebKit wording), a failed fetch, or a 404 page compiled as wasm.
 */
const ORT_FILES_MISSING =
  /no available backend found[\s\S]*\[wasm\][\s\S]*(Failed to fetch|fetching of the wasm failed|expected magic word|Importing a module script failed|error loading dynamically imported module)/;

/**
 * The typed error for a session that failed because onnxruntime-web could not load its own files,
 * naming the setting that fixes it; undefined for any other failure. Bundlers that do not emit
 * them beside onnxruntime-web's code (esbuild) or that replace `import.meta.url` with a `file:` URL
 * (Parcel) end here.
 */
export function ortFilesError(err: unknown, wasmPaths: AdapterOptions['wasmPaths']): OnnxMobilenetError | undefined {
  const message = describeError(err);
  if (!ORT_FILES_MISSING.test(message)) return undefined;
  const given = wasmPaths === undefined ? '' : ` from wasmPaths ${clipText(JSON.stringify(wasmPaths))}`;
  const fix =
    wasmPaths === undefined
      ? "Your bundler did not emit them beside onnxruntime-web's code (esbuild: copy ort-wasm-simd-threaded.wasm next to the output) " +
        'or replaced import.meta.url (Parcel): serve them and pass wasmPaths with their folder or a CDN prefix'
      : 'Check that wasmPaths serves both files of the onnxruntime-web version @onnx-mobilenet/web depends on';
  // The runtime's fault (a deployment that lost onnxruntime-web's files), not the model's.
  return new OnnxMobilenetError(
    'E_RUNTIME',
    `onnxruntime-web could not load its own files (ort-wasm-simd-threaded.wasm and .mjs)${given}, so no model can load: ${clipText(message)}. ${fix}; see ${BUNDLERS_GUIDE}.`,
    { cause: err },
  );
}
