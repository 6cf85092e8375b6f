import { type ClassifierOptions, DEFAULTS, type Limits } from '@onnx-mobilenet/core';
import { ADAPTER_OPTION_KINDS, type AssetLoader, type ClassifierBackend, type ImageDecoder, ownOptions, type Warn } from '@onnx-mobilenet/core/adapter';
import { createEdgeDecoder, type EdgeImageSource } from './decode/index.js';
import { loadAssetFetch } from './load-asset.js';
import { createWasmRuntime } from './runtime.js';
import { checkWasmModules } from './wasm-modules.js';
import type { WasmFileName, WasmModules } from './wasm-files.js';

/** Options only the wasm path has, beside the common `ClassifierOptions`. */
export interface WasmOptions {
  /**
   * Precompiled modules of the wasm files (`WASM_FILES`), where the platform hands them out: a
   * Worker's static `.wasm` import or binding, Vercel's `?module` import. The `workerd` and
   * `edge-light` entries import their own; Node, Bun and Deno read them from the package.
   */
  wasmModules?: Partial<WasmModules> | undefined;
  /** Name of the Cache Storage bucket downloads are kept in, where the runtime has the Cache API (default `CACHE_NAME`). */
  cacheDir?: string | undefined;
  /**
   * Node, Bun, Deno: the folders image paths and `file:` URLs must lie under (links followed and
   * checked), as in the Node adapter; anything else is `E_FORBIDDEN`. `[]` reads no local file.
   * Unset: any path the app passes. Set it when strings come from users.
   */
  imageRoots?: readonly string[] | undefined;
}

/** Where a backend gets what the platform provides: the wasm modules, and local files on runtimes that have them. */
export interface WasmPlatform {
  /** The precompiled wasm files (those not given in `wasmModules`). */
  loadModules(): Promise<WasmModules>;
  /** Reads a model or label file given by path (Node, Bun, Deno); absent where there are no files. */
  loadFile?: AssetLoader['loadAsset'] | undefined;
  /**
   * The reader of image files given by path or `file:` URL under a classifier's `imageRoots`
   * (Node, Bun, Deno); absent where there are no files (such inputs are `E_INPUT`).
   */
  imageFileReader?:
    | ((imageRoots: readonly string[] | undefined) => (path: string | URL, limits: Limits) => Promise<{ bytes: Uint8Array; name: string }>)
    | undefined;
}

/** The reason `precision: 'auto'` runs int8 models dequantized here (measured for the web adapter, the same wasm kernels). */
const INT8_SLOWER = "onnxruntime-web's wasm int8 kernels are slower than its float kernels (measured: about 1.6x for MobileNetV2)";

/**
 * The wasm backend: the vendored onnxruntime-web wasm runtime on one thread from precompiled
 * modules, a decoder that needs neither the DOM nor native modules, and downloads through core's
 * `fetchAsset` with the Cache API where it exists.
 */
export function createWasmBackend(given: ClassifierOptions & WasmOptions, platform: WasmPlatform): ClassifierBackend<EdgeImageSource> {
  const options = ownOptions(given, ADAPTER_OPTION_KINDS, 'createWasmBackend options');
  checkWasmModules(options.wasmModules);
  const readImageFile = platform.imageFileReader?.(options.imageRoots);
  let modules: Promise<WasmModules> | undefined;
  const platformModules = () => {
    modules ??= platform.loadModules(); // once, and only for a module not given
    return modules;
  };
  const moduleOf = async (name: WasmFileName) => options.wasmModules?.[name] ?? (await platformModules())[name];
  let decoder: Promise<ImageDecoder<EdgeImageSource>> | undefined;
  const startDecoder = async () => createEdgeDecoder({ jpeg: await moduleOf('jpeg'), webp: await moduleOf('webp') }, { readFile: readImageFile });
  const platformWarn: Warn = (message) => console.warn(`[onnx-mobilenet] ${message}`);
  return {
    runtime: createWasmRuntime(() => moduleOf('onnxruntime')),
    assets: {
      loadAsset(asset, loadOptions) {
        if (asset.kind === 'path' && platform.loadFile) return platform.loadFile(asset, loadOptions);
        return loadAssetFetch(asset, { ...loadOptions, cacheName: options.cacheDir });
      },
    },
    decoder: {
      async open(input, context) {
        decoder ??= startDecoder();
        return (await decoder).open(input, context);
      },
      // whole decoded images wait for core's resize: no more than a batch at once (createEdgeDecoder's cap)
      maxConcurrent: DEFAULTS.batchSize,
    },
    platform: { int8Slower: () => ({ slower: true, reason: INT8_SLOWER }), warn: platformWarn },
  };
}
