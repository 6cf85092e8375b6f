// The codec modules for Node, Bun and Deno (the default entry): each codec's .wasm read from disk
// and compiled, which these runtimes allow. The only decoder file that names a Node API: the edge
// entries import their .wasm files statically instead and never load this one.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { OnnxMobilenetError, type Limits } from '@onnx-mobilenet/core';
import { clipText, describeError } from '@onnx-mobilenet/core/adapter';
// the Node adapter's root checks and file reader, bundled from its source: one implementation of the rules, no dependency on that package
import { type LocalRoots, resolveLocalRoots } from '../../../node/src/local-roots.js';
import { filePathFromUrl, readLocalFile, showPath } from '../../../node/src/read-local-file.js';
import { CODEC_WASM_FILES, type CodecModules, type WasmCodecName } from './codec-files.js';

/** The bytes of a codec's wasm: the copy beside the built entry (dist/vendor/), else the installed package's. */
async function codecBytes(codec: WasmCodecName): Promise<Uint8Array<ArrayBuffer>> {
  const { file, source } = CODEC_WASM_FILES[codec];
  try {
    return await readFile(new URL(`./vendor/${file}`, import.meta.url));
  } catch {
    return readFile(createRequire(import.meta.url).resolve(source));
  }
}

let compiled: Promise<CodecModules> | undefined;

/**
 * Every codec module, read and compiled once per process.
 *
 * @example
 * ```ts
 * const decoder = createEdgeDecoder(await loadCodecModules());
 * ```
 */
export function loadCodecModules(): Promise<CodecModules> {
  compiled ??= (async () => {
    const codecs = Object.keys(CODEC_WASM_FILES) as WasmCodecName[];
    const modules = await Promise.all(codecs.map(async (codec) => [codec, await WebAssembly.compile(await codecBytes(codec))] as const));
    return Object.fromEntries(modules) as CodecModules;
  })().catch((err: unknown) => {
    compiled = undefined;
    throw new OnnxMobilenetError(
      'E_RUNTIME',
      `cannot load the wasm image codecs (${Object.values(CODEC_WASM_FILES)
        .map((f) => f.file)
        .join(', ')}): ${describeError(err)}. Fix: pass them precompiled by your platform as wasmModules (WASM_FILES names them)`,
      { cause: err },
    );
  });
  return compiled;
}

/**
 * A local image file for the decoder's `readFile`, read by the Node adapter's `readLocalFile`: under
 * `roots` when given (the Node adapter's `imageRoots` rule: links followed and checked, the file
 * opened checked again; anything refused is one `E_FORBIDDEN`), refused over
 * `limits.maxEncodedBytes` from its size before it is read, `E_INPUT` when it is not a regular
 * file, `E_NOT_FOUND` when missing (without roots).
 *
 * @example
 * ```ts
 * const decoder = createEdgeDecoder(await loadCodecModules(), { readFile: (path, limits) => readImageFile(path, limits) });
 * ```
 */
export async function readImageFile(file: string | URL, limits: Limits, roots?: LocalRoots): Promise<{ bytes: Uint8Array; name: string }> {
  const path = file instanceof URL ? filePathFromUrl(file, 'image') : file;
  const options = { what: 'image', maxBytes: limits.maxEncodedBytes, failCode: 'E_IMAGE_DECODE', limitName: 'limits.maxEncodedBytes', roots } as const;
  return { bytes: await readLocalFile(path, options), name: clipText(typeof path === 'string' ? path : showPath(path)) };
}

/**
 * The image file reader of a classifier: `imageRoots` resolved once (`E_INPUT` for a folder that
 * does not exist), as the Node adapter does.
 *
 * @example
 * ```ts
 * const readFile = imageFileReader(['/data/photos']);
 * ```
 */
export function imageFileReader(
  imageRoots: readonly string[] | undefined,
): (file: string | URL, limits: Limits) => Promise<{ bytes: Uint8Array; name: string }> {
  const roots = imageRoots === undefined ? undefined : resolveLocalRoots(imageRoots, 'imageRoots');
  return (file, limits) => readImageFile(file, limits, roots);
}
