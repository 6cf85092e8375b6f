import { OnnxMobilenetError } from '@onnx-mobilenet/core';
import { clipText, describeError, type AssetLoader } from '@onnx-mobilenet/core/adapter';
import { loadCodecModules } from './decode/node-codecs.js';
import { WASM_FILES, type WasmModules } from './wasm-files.js';

// Node, Bun and Deno only (the default entry): node: modules are imported when first needed.

/** The package's wasm files, compiled: onnxruntime's from `vendor/` beside the code (built or source), the codecs by node-codecs. */
export async function readWasmModules(): Promise<WasmModules> {
  const { readFile } = await import('node:fs/promises');
  const [onnxruntime, codecs] = await Promise.all([
    readFile(new URL(`./vendor/${WASM_FILES.onnxruntime}`, import.meta.url)).then((bytes) => WebAssembly.compile(bytes)),
    loadCodecModules(),
  ]);
  return { onnxruntime, jpeg: codecs.jpeg!, webp: codecs.webp! };
}

/**
 * Reads a model or label file given by path: a regular file only (a FIFO or device is refused
 * before it is read), at most `maxBytes`, checked against `sha256` when the reference pins one.
 */
export const readFileAsset: NonNullable<AssetLoader['loadAsset']> = async (asset, options) => {
  if (asset.kind !== 'path') throw new OnnxMobilenetError('E_INPUT', `not a file path: ${asset.kind}`);
  const { open } = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  const { resolve } = await import('node:path');
  const absolute = clipText(resolve(asset.path));
  const what = options.purpose;
  const failCode = what === 'labels' ? 'E_LABELS' : 'E_MODEL_LOAD';
  const handle = await open(asset.path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new OnnxMobilenetError('E_NOT_FOUND', `${what} file not found: ${absolute}`, { cause: err });
    throw new OnnxMobilenetError(failCode, `cannot open ${what} file ${absolute}: ${describeError(err)}`, { cause: err });
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new OnnxMobilenetError('E_INPUT', `${what} path is not a regular file: ${absolute}`);
    if (info.size > options.maxBytes)
      throw new OnnxMobilenetError('E_LIMIT', `${what} file ${absolute} has ${info.size} bytes, over the limit (${options.maxBytes})`);
    const bytes = new Uint8Array(info.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const data = bytes.subarray(0, filled);
    if (asset.sha256) {
      const { createHash } = await import('node:crypto');
      const actual = createHash('sha256').update(data).digest('hex');
      if (actual !== asset.sha256.toLowerCase())
        throw new OnnxMobilenetError(
          'E_MODEL_CHECKSUM',
          `sha256 mismatch for ${absolute}: expected ${asset.sha256.toLowerCase()}, got ${actual}. It was not used.`,
        );
    }
    return data;
  } finally {
    await handle.close();
  }
};
