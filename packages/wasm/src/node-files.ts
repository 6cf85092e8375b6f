import { OnnxMobilenetError } from '@onnx-mobilenet/core';
import { clipText, describeError, type AssetLoader } from '@onnx-mobilenet/core/adapter';
import { loadCodecModules } from './decode/node-codecs.js';
import { WASM_FILES, type WasmFileName, type WasmModules } from './wasm-files.js';

// Node, Bun and Deno only (the default and bun entries): node: modules are imported when first needed.

/**
 * The wasm files compiled, each read from where `locate` puts it: a path or a `file:` URL. The
 * default entry finds them in `vendor/` beside its code; Bun's entry, where its own import put them.
 */
export async function compileWasmFiles(
  locate: (name: WasmFileName, file: string) => string | URL,
  names = Object.keys(WASM_FILES) as WasmFileName[],
): Promise<WasmModules> {
  const { readFile } = await import('node:fs/promises');
  const compiled = await Promise.all(
    names
      .map((name) => [name, WASM_FILES[name]] as const)
      .map(async ([name, file]) => [name, await WebAssembly.compile(await readFile(locate(name, file)))] as const),
  );
  return Object.fromEntries(compiled) as unknown as WasmModules;
}

/**
 * The package's wasm files, compiled: onnxruntime's from `vendor/` beside the code (built or
 * source), the codecs' by node-codecs (`vendor/` beside the built code, else their packages).
 */
export async function readWasmModules(): Promise<WasmModules> {
  const [{ onnxruntime }, codecs] = await Promise.all([
    compileWasmFiles((_name, file) => new URL(`./vendor/${file}`, import.meta.url), ['onnxruntime']),
    loadCodecModules(),
  ]);
  return { onnxruntime, jpeg: codecs.jpeg!, webp: codecs.webp! };
}

/**
 * Where a `bun build --compile` executable keeps the files it embeds (`import … with { type: 'file' }`):
 * they can be `stat`ed and read whole, not opened.
 */
const BUN_EMBEDDED = /^(?:\/\$bunfs\/|[A-Za-z]:[\\/]~BUN[\\/])/;

/**
 * Reads a model or label file given by path: a regular file only (a FIFO or device is refused
 * before it is read), at most `maxBytes`, checked against `sha256` when the reference pins one.
 * Files embedded in a Bun executable are read too.
 */
export const readFileAsset: NonNullable<AssetLoader['loadAsset']> = async (asset, options) => {
  if (asset.kind !== 'path') throw new OnnxMobilenetError('E_INPUT', `not a file path: ${asset.kind}`);
  const { open, readFile, stat } = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  const { resolve } = await import('node:path');
  const embedded = BUN_EMBEDDED.test(asset.path);
  const absolute = clipText(embedded ? asset.path : resolve(asset.path));
  const what = options.purpose;
  const failCode = what === 'labels' ? 'E_LABELS' : 'E_MODEL_LOAD';
  const cannotOpen = (err: NodeJS.ErrnoException): never => {
    if (err.code === 'ENOENT') throw new OnnxMobilenetError('E_NOT_FOUND', `${what} file not found: ${absolute}`, { cause: err });
    throw new OnnxMobilenetError(failCode, `cannot open ${what} file ${absolute}: ${describeError(err)}`, { cause: err });
  };
  const checkSize = (info: { isFile(): boolean; size: number }) => {
    if (!info.isFile()) throw new OnnxMobilenetError('E_INPUT', `${what} path is not a regular file: ${absolute}`);
    if (info.size > options.maxBytes)
      throw new OnnxMobilenetError('E_LIMIT', `${what} file ${absolute} has ${info.size} bytes, over the limit (${options.maxBytes})`);
  };
  let data: Uint8Array;
  if (embedded) {
    checkSize(await stat(asset.path).catch(cannotOpen));
    data = new Uint8Array(await readFile(asset.path).catch(cannotOpen));
  } else {
    const handle = await open(asset.path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch(cannotOpen);
    try {
      const info = await handle.stat();
      checkSize(info);
      const bytes = new Uint8Array(info.size);
      let filled = 0;
      while (filled < bytes.length) {
        const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      data = bytes.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }
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
};
