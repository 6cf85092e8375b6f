import type { AssetLoader } from '@onnx-mobilenet/core/adapter';
// the Node adapter's file reader, bundled from its source: one implementation, no dependency on that package
import { readAssetFile } from '../../node/src/read-asset-file.js';
import { loadCodecModules } from './decode/node-codecs.js';
import { WASM_FILES, type WasmFileName, type WasmModules } from './wasm-files.js';

// Node, Bun and Deno only (the default and bun entries): the edge entries never import this file.

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
 * Reads a model or label file given by path or `file:` URL: the Node adapter's reader, bundled
 * from its source (regular files only, a FIFO or device refused before it is read, at most
 * `maxBytes`, checked against `sha256` when the reference pins one, files embedded in a Bun
 * executable read by their `/$bunfs/…` path).
 */
export const readFileAsset: NonNullable<AssetLoader['loadAsset']> = readAssetFile;
