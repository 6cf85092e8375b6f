import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type AdapterOptions, OnnxMobilenetError, type AssetRef, type RegistryLabels, type RegistryModel } from '@onnx-mobilenet/core';
import { parseUrl, type LoadAssetOptions, redactUrl, registryNameHint } from '@onnx-mobilenet/core/adapter';
import { resolveCacheDir } from './cache-dir.js';
import { downloadToFile, hashSidecar } from './download.js';
import { assetFileRules, readAssetFile, sha256Hex } from './read-asset-file.js';
import { readLocalFile } from './read-local-file.js';

const SHA256 = /^[0-9a-f]{64}$/i;

/** Node's asset loading options: core's, plus the cache directory of the Node adapter's options. */
export type NodeLoadAssetOptions = LoadAssetOptions & Pick<AdapterOptions, 'cacheDir'>;

/**
 * The cache file of a URL: its pinned sha256 (else a hash of the URL) plus the URL's file name
 * reduced to safe characters and at most 80 of them, so no URL can name a path outside the cache
 * directory or one too long for the file system.
 */
function cachePathFor(url: URL, sha256: string | undefined, options: Pick<NodeLoadAssetOptions, 'cacheDir' | 'purpose'>): string {
  if (sha256 !== undefined && !SHA256.test(sha256)) {
    throw new OnnxMobilenetError('E_INPUT', `sha256 must be 64 hex digits; got ${JSON.stringify(sha256.slice(0, 80))}`);
  }
  const name =
    basename(url.pathname)
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .replace(/^[.]+/, '')
      .slice(-80) || 'file';
  const key = sha256 ? sha256.toLowerCase() : `url-${sha256Hex(new TextEncoder().encode(url.href)).slice(0, 16)}`;
  const dir = resolve(resolveCacheDir(options.cacheDir), options.purpose === 'model' ? 'models' : 'labels');
  const path = join(dir, `${key}-${name}`);
  if (dirname(path) !== dir) throw new OnnxMobilenetError('E_INPUT', `cannot cache ${redactUrl(url)}: its file name does not stay in ${dir}`);
  return path;
}

/**
 * Node's `loadAsset`: local paths and `file:` URLs are read in place (regular files only, bounded
 * by `maxBytes`, checked against `sha256` when given); `http(s):` files are downloaded once into
 * the cache, verified, and read from there afterwards without touching the network. Every cached
 * file is checked on every load, against its pinned sha256 or the hash recorded when it was
 * downloaded; one that no longer matches is downloaded again.
 */
export async function loadAssetNode(asset: Exclude<AssetRef, { kind: 'bytes' }>, options: NodeLoadAssetOptions): Promise<Uint8Array> {
  if (asset.kind === 'path' || /^file:/i.test(asset.url))
    return readAssetFile(asset, options).catch((err: unknown) => Promise.reject(withRegistryHint(err, asset, options)));
  const url = parseUrl(asset.url, options.purpose);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OnnxMobilenetError('E_INPUT', `unsupported ${options.purpose} URL scheme in ${redactUrl(asset.url)}: use http(s):, file: or a path`);
  }
  const destination = cachePathFor(url, asset.sha256, options);
  if (existsSync(destination)) {
    const cached = await readLocalFile(destination, { what: `cached ${options.purpose}`, maxBytes: options.maxBytes, ...assetFileRules(options.purpose) });
    const expected = asset.sha256 ?? (await recordedHash(destination));
    if (expected && sha256Hex(cached) === expected.toLowerCase()) return cached;
    // Altered, corrupt or never recorded: fall through and fetch a verified copy (rename replaces it).
  }
  return downloadToFile(url.href, {
    destination,
    sha256: asset.sha256,
    bytes: asset.bytes,
    purpose: options.purpose,
    onProgress: options.onProgress,
    signal: options.signal,
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs,
    network: options.network,
  });
}

/**
 * A model path that names no file but looks like a registry name (`mobilenetv2-12-int9`): its
 * `E_NOT_FOUND` also names the registry name meant and lists them all ({@link registryNameHint}).
 */
function withRegistryHint(err: unknown, asset: Exclude<AssetRef, { kind: 'bytes' }>, options: NodeLoadAssetOptions): unknown {
  if (asset.kind !== 'path' || options.purpose !== 'model' || !(err instanceof OnnxMobilenetError) || err.code !== 'E_NOT_FOUND') return err;
  const hint = registryNameHint(asset.path);
  return hint ? new OnnxMobilenetError('E_NOT_FOUND', `${err.message}; ${hint}`, { cause: err }) : err;
}

/** The hash recorded beside a cached file that has no pinned sha256, if a valid one is there. */
async function recordedHash(path: string): Promise<string | undefined> {
  try {
    const text = new TextDecoder().decode(await readLocalFile(hashSidecar(path), { what: 'cache hash', maxBytes: 64, failCode: 'E_CACHE' })).trim();
    return SHA256.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a registry model (or the registry's labels, `IMAGENET_LABELS`) is cached once
 * downloaded (the same file whatever `mirror` served it): in `cacheDir`, else
 * `ONNX_MOBILENET_CACHE`, else the user cache directory. For tools that show what is cached
 * (`onnx-mobilenet models`).
 *
 * @example
 * ```ts
 * registryCachePath(MODELS['mobilenetv2-12-int8']); // '/home/me/.cache/onnx-mobilenet/models/cc028f…-mobilenetv2-12-int8.onnx'
 * registryCachePath(IMAGENET_LABELS); // '/home/me/.cache/onnx-mobilenet/labels/acf75e…-synset.txt'
 * ```
 */
export function registryCachePath(file: RegistryModel | RegistryLabels, cacheDir?: string): string {
  return cachePathFor(new URL(file.url), file.sha256, { cacheDir, purpose: 'name' in file ? 'model' : 'labels' });
}
