import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnnxMobilenetError, describeError, type AssetRef, type LoadAssetOptions } from '@onnx-mobilenet/core';
import { resolveCacheDir } from './cache-dir.js';
import { assertChecksum, downloadToFile, sha256Hex } from './download.js';

/** Reads a local file; a missing one is `E_NOT_FOUND` naming the absolute path. */
export async function readLocalFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new OnnxMobilenetError('E_NOT_FOUND', `${what} file not found: ${resolve(path)}`, { cause: err });
    }
    if (code === 'EISDIR') throw new OnnxMobilenetError('E_INPUT', `${what} path is a directory, not a file: ${resolve(path)}`);
    throw new OnnxMobilenetError(code === 'EACCES' ? 'E_NOT_FOUND' : 'E_MODEL_LOAD', `cannot read ${what} file ${resolve(path)}: ${describeError(err)}`, { cause: err });
  }
}

/** The cache file of a URL: named by its pinned sha256, else by a hash of the URL. */
function cachePathFor(url: string, sha256: string | undefined, options: LoadAssetOptions): string {
  const name = basename(new URL(url).pathname) || 'file';
  const key = sha256 ? sha256.toLowerCase() : `url-${sha256Hex(new TextEncoder().encode(url)).slice(0, 16)}`;
  return join(resolveCacheDir(options.cacheDir), options.purpose === 'model' ? 'models' : 'labels', `${key}-${name}`);
}

/**
 * Node's `loadAsset`: local paths and `file:` URLs are read in place (checked against `sha256`
 * when given); `http(s):` files are downloaded once into the cache, verified, and read from there
 * afterwards without touching the network. A cached file that no longer matches its sha256 is
 * downloaded again.
 */
export async function loadAssetNode(asset: Exclude<AssetRef, { kind: 'bytes' }>, options: LoadAssetOptions): Promise<Uint8Array> {
  if (asset.kind === 'path' || (asset.kind === 'url' && asset.url.startsWith('file:'))) {
    const path = asset.kind === 'path' ? asset.path : fileURLToPath(asset.url);
    const size = await stat(path).then((s) => s.size, () => 0);
    if (size > options.maxBytes) throw new OnnxMobilenetError('E_LIMIT', `${options.purpose} file ${resolve(path)} has ${size} bytes, over the limit of ${options.maxBytes}`);
    const bytes = await readLocalFile(path, options.purpose);
    if (asset.sha256) assertChecksum(resolve(path), asset.sha256, sha256Hex(bytes));
    return bytes;
  }
  if (!/^https?:/i.test(asset.url)) {
    throw new OnnxMobilenetError('E_INPUT', `unsupported ${options.purpose} URL scheme in ${asset.url}: use http(s):, file: or a path`);
  }
  const destination = cachePathFor(asset.url, asset.sha256, options);
  if (existsSync(destination)) {
    const cached = await readLocalFile(destination, `cached ${options.purpose}`);
    if (!asset.sha256 || sha256Hex(cached) === asset.sha256.toLowerCase()) return cached;
    // Altered or corrupt on disk: fall through and fetch a verified copy (rename replaces it).
  }
  return downloadToFile(asset.url, {
    destination,
    sha256: asset.sha256,
    bytes: asset.bytes,
    purpose: options.purpose,
    onProgress: options.onProgress,
    signal: options.signal,
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs,
  });
}
