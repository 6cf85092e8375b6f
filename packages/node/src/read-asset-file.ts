// Model and label files read from disk: the Node adapter's, and the wasm path's in Node, Bun and
// Deno, which bundles this file from its source (node: built-ins and core only, nothing native).
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { OnnxMobilenetError, type AssetRef } from '@onnx-mobilenet/core';
import type { LoadAssetOptions } from '@onnx-mobilenet/core/adapter';
import { filePathFromUrl, readLocalFile, showPath } from './read-local-file.js';

/** Hex sha256 of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws `E_MODEL_CHECKSUM` unless `actual` equals `expected` (case-insensitive). */
export function assertChecksum(what: string, expected: string, actual: string): void {
  if (actual.toLowerCase() !== expected.toLowerCase()) {
    throw new OnnxMobilenetError(
      'E_MODEL_CHECKSUM',
      `sha256 mismatch for ${what}: expected ${expected.toLowerCase()}, got ${actual}. The file is corrupt or not the one pinned; it was not used.`,
    );
  }
}

/** How a model or label file is read: the code of one that exists but cannot be read, and the limit that bounds it. */
export function assetFileRules(purpose: LoadAssetOptions['purpose']): { failCode: 'E_LABELS' | 'E_MODEL_LOAD'; limitName: string } {
  return purpose === 'labels' ? { failCode: 'E_LABELS', limitName: 'limits.maxLabelBytes' } : { failCode: 'E_MODEL_LOAD', limitName: 'limits.maxModelBytes' };
}

/**
 * Reads a model or label file given by path or `file:` URL (any other URL is `E_INPUT`) in place, with {@link readLocalFile}'s
 * rules (regular files only, never more than `maxBytes`, a missing one `E_NOT_FOUND`; files
 * embedded in a Bun executable too), and checks it against its pinned `sha256` when it has one.
 *
 * @example
 * ```ts
 * const model = await readAssetFile({ kind: 'path', path: 'model.onnx', description: 'model.onnx' }, { purpose: 'model', maxBytes: 2 ** 28 });
 * ```
 */
export async function readAssetFile(asset: Exclude<AssetRef, { kind: 'bytes' }>, options: Pick<LoadAssetOptions, 'purpose' | 'maxBytes'>): Promise<Uint8Array> {
  const path = asset.kind === 'path' ? asset.path : filePathFromUrl(asset.url, options.purpose);
  const bytes = await readLocalFile(path, { what: options.purpose, maxBytes: options.maxBytes, ...assetFileRules(options.purpose) });
  if (asset.sha256) assertChecksum(typeof path === 'string' ? resolve(path) : showPath(path), asset.sha256, sha256Hex(bytes));
  return bytes;
}
