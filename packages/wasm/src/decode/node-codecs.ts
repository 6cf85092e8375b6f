// The codec modules for Node, Bun and Deno (the default entry): each codec's .wasm read from disk
// and compiled, which these runtimes allow. The only decoder file that names a Node API: the edge
// entries import their .wasm files statically instead and never load this one.

import { constants } from 'node:fs';
import { readFile, open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { OnnxMobilenetError, type Limits } from '@onnx-mobilenet/core';
import { assertEncodedBytes, clipText, describeError } from '@onnx-mobilenet/core/adapter';
// the Node adapter's root checks, bundled from its source: one implementation of the rule, no dependency on that package
import { type LocalRoots, openUnderRoots, resolveLocalRoots } from '../../../node/src/local-roots.js';
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

// O_NONBLOCK: a FIFO with no writer opens at once (and is then refused) instead of blocking a thread forever.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * A local image file for the decoder's `readFile`: under `roots` when given (the Node adapter's
 * `imageRoots` rule: links followed and checked, the file opened checked again; anything refused
 * is one `E_FORBIDDEN`), refused over `limits.maxEncodedBytes` from its size before it is read,
 * `E_INPUT` when it is not a regular file, `E_NOT_FOUND` when missing (without roots).
 *
 * @example
 * ```ts
 * const decoder = createEdgeDecoder(await loadCodecModules(), { readFile: (path, limits) => readImageFile(path, limits) });
 * ```
 */
export async function readImageFile(file: string | URL, limits: Limits, roots?: LocalRoots): Promise<{ bytes: Uint8Array; name: string }> {
  const path = file instanceof URL ? fileURLToPath(file) : file;
  const name = clipText(path);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = roots ? await openUnderRoots(path, roots, OPEN_FLAGS) : await open(path, OPEN_FLAGS);
    const { size, isFile } = await handle.stat().then((s) => ({ size: s.size, isFile: s.isFile() }));
    if (!isFile) throw new OnnxMobilenetError('E_INPUT', `image ${name} is not a regular file (a directory, FIFO, device or socket)`);
    assertEncodedBytes(name, size, limits);
    const bytes = new Uint8Array(size);
    const { bytesRead } = await handle.read(bytes, 0, size, 0);
    return { bytes: bytes.subarray(0, bytesRead), name };
  } catch (err) {
    if (err instanceof OnnxMobilenetError) throw err;
    if ((err as { code?: unknown }).code === 'ENOENT') throw new OnnxMobilenetError('E_NOT_FOUND', `image file not found: ${name}`, { cause: err });
    throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot read image ${name}: ${describeError(err)}`, { cause: err });
  } finally {
    await handle?.close();
  }
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
