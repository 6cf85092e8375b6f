import { bytesView } from './bytes.js';
import type { Limits } from '../options/defaults.js';
import { clipText, describeValue, OnnxMobilenetError } from '../errors/errors.js';
import { redactUrl } from './network-policy.js';
import { IMAGENET_LABELS, MODELS, registryUrl, type RegistryModel } from './model-registry.js';

/** Where a model comes from: a registry name, a file path, an `http(s):`/`file:` URL, or the bytes. */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer;

/** Where labels come from: a file path or URL, the file's bytes, or the labels themselves in output order. */
export type LabelsSource = string | URL | Uint8Array | ArrayBuffer | readonly string[];

/**
 * A resolved file to load, as handed to a backend's `loadAsset`. `sha256`, when present, must be
 * checked before the bytes are used; a `url` asset with a `sha256` may be cached by that hash.
 */
export type AssetRef =
  | { kind: 'bytes'; bytes: Uint8Array; description: string }
  | { kind: 'path'; path: string; sha256?: string | undefined; description: string }
  | { kind: 'url'; url: string; sha256?: string | undefined; bytes?: number | undefined; description: string };

/**
 * An asset reference without a prototype: loaders read `sha256` and `bytes`, which a reference
 * may leave out, and must not find them on a polluted `Object.prototype` (a planted `sha256`
 * failed every label load).
 */
function ref(asset: AssetRef): AssetRef {
  return Object.assign(Object.create(null) as AssetRef, asset);
}

/**
 * Resolves a `model` option to the file to load, and to its registry entry when it names one.
 *
 * @example
 * ```ts
 * resolveModelSource('./model.onnx').asset; // { kind: 'path', path: './model.onnx', ... }
 * ```
 */
export function resolveModelSource(model: ModelSource, sha256?: string, mirror?: string): { asset: AssetRef; registry?: RegistryModel | undefined } {
  // The hash names the cache file: anything but hex could name a path ('../../x').
  if (sha256 !== undefined && (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256))) {
    throw new OnnxMobilenetError('E_INPUT', `sha256 must be 64 hex digits; got ${describeValue(sha256)}`);
  }
  if (model instanceof Uint8Array || model instanceof ArrayBuffer) {
    return { asset: ref({ kind: 'bytes', bytes: bytesView(model, 'model'), description: 'model bytes' }) };
  }
  if (model instanceof URL) return { asset: ref({ kind: 'url', url: model.href, sha256, description: redactUrl(model) }) };
  if (typeof model !== 'string' || model === '') {
    throw new OnnxMobilenetError(
      'E_INPUT',
      `model must be a registry name (${Object.keys(MODELS).join(', ')}), a path, a URL or bytes; got ${describeValue(model)}`,
    );
  }
  const registry = Object.hasOwn(MODELS, model) ? MODELS[model] : undefined;
  if (registry) {
    return {
      asset: ref({ kind: 'url', url: registryUrl(registry.url, mirror), sha256: registry.sha256, bytes: registry.bytes, description: registry.name }),
      registry,
    };
  }
  if (/^(https?|file|blob|data):/i.test(model)) return { asset: ref({ kind: 'url', url: model, sha256, description: redactUrl(model) }) };
  return { asset: ref({ kind: 'path', path: model, sha256, description: model }) };
}

/**
 * Resolves a `labels` option; with none, the model zoo's ImageNet list (pinned by sha256).
 *
 * @example
 * ```ts
 * resolveLabelsSource(['cat', 'dog']); // ['cat', 'dog'] (used as they are)
 * ```
 */
export function resolveLabelsSource(labels: LabelsSource | undefined, mirror?: string): AssetRef | readonly string[] {
  if (labels === undefined) {
    return ref({
      kind: 'url',
      url: registryUrl(IMAGENET_LABELS.url, mirror),
      sha256: IMAGENET_LABELS.sha256,
      bytes: IMAGENET_LABELS.bytes,
      description: 'ImageNet labels',
    });
  }
  if (Array.isArray(labels)) return labels as readonly string[];
  if (labels instanceof Uint8Array || labels instanceof ArrayBuffer) {
    return ref({ kind: 'bytes', bytes: bytesView(labels, 'labels'), description: 'label bytes' });
  }
  if (labels instanceof URL) return ref({ kind: 'url', url: labels.href, description: redactUrl(labels) });
  if (typeof labels === 'string' && labels !== '') {
    if (/^(https?|file|blob|data):/i.test(labels)) return ref({ kind: 'url', url: labels, description: redactUrl(labels) });
    return ref({ kind: 'path', path: labels, description: labels });
  }
  throw new OnnxMobilenetError('E_INPUT', `labels must be a path, a URL, bytes or an array of strings; got ${describeValue(labels)}`);
}

/**
 * Throws `E_LIMIT` for a path or URL longer than `limits.maxSourceChars`, before anything reads,
 * resolves, fetches or quotes it (a `data:` URL carries its bytes and is bounded by the byte
 * limits instead). Other values pass: their own checks come later.
 *
 * @example
 * ```ts
 * assertSourceLength('/tmp/' + 'a'.repeat(10_000), 'image', DEFAULTS.limits); // throws E_LIMIT
 * ```
 */
export function assertSourceLength(source: unknown, what: string, limits: Pick<Limits, 'maxSourceChars'>): void {
  const text = typeof source === 'string' ? source : source instanceof URL ? source.href : undefined;
  if (text === undefined || text.length <= limits.maxSourceChars || /^data:/i.test(text)) return;
  const kind = /^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[a-z]:[\\/]/i.test(text) ? 'URL' : 'path';
  throw new OnnxMobilenetError(
    'E_LIMIT',
    `the ${what} ${kind} ${JSON.stringify(clipText(text))} has ${text.length} characters, over limits.maxSourceChars (${limits.maxSourceChars})`,
  );
}
