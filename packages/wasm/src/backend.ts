import { type AdapterOptions, type ClassifierOptions, DEFAULTS, type Limits } from '@onnx-mobilenet/core';
import { ADAPTER_OPTION_KINDS, type AssetLoader, type ClassifierBackend, type ImageDecoder, ownOptions, type Warn } from '@onnx-mobilenet/core/adapter';
import { createEdgeDecoder, type EdgeImageSource } from './decode/index.js';
import { loadAssetFetch } from './load-asset.js';
import { createWasmRuntime } from './runtime.js';
import { checkWasmModules } from './wasm-modules.js';
import type { WasmFileName, WasmModules } from './wasm-files.js';

/**
 * The wasm path's options beside the common `ClassifierOptions`: those of `AdapterOptions`, of
 * which it uses `cacheName` (where the runtime has Cache Storage) and `imageRoots` (Node, Bun,
 * Deno; `cacheDir` and `wasmPaths` are other adapters', ignored here), and its own `wasmModules`.
 */
export interface WasmOptions extends AdapterOptions {
  /**
   * Precompiled modules of the wasm files (`WASM_FILES`), where the platform hands them out: a
   * Worker's static `.wasm` import or binding, Vercel's `?module` import. The `workerd` and
   * `edge-light` entries import their own; Node, Bun and Deno read them from the package.
   */
  wasmModules?: Partial<WasmModules> | undefined;
}

/** Where a backend gets what the platform provides: the wasm modules, and local files on runtimes that have them. */
export interface WasmPlatform {
  /** The precompiled wasm files (those not given in `wasmModules`). */
  loadModules(): Promise<WasmModules>;
  /** Reads a model or label file given by path or `file:` URL (Node, Bun, Deno); absent where there are no files. */
  loadFile?: AssetLoader['loadAsset'] | undefined;
  /**
   * The reader of image files given by path or `file:` URL under a classifier's `imageRoots`
   * (Node, Bun, Deno); absent where there are no files (such inputs are `E_INPUT`).
   */
  imageFileReader?:
    | ((imageRoots: readonly string[] | undefined) => (path: string | URL, limits: Limits) => Promise<{ bytes: Uint8Array; name: string }>)
    | undefined;
}

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
        if (platform.loadFile && (asset.kind === 'path' || /^file:/i.test(asset.url))) return platform.loadFile(asset, loadOptions);
        return loadAssetFetch(asset, { ...loadOptions, cacheName: options.cacheName });
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
    // onnxruntime-web's wasm kernels, as in the web adapter: core's precision policy judges them
    platform: { int8Facts: () => ({ runtime: 'web', provider: 'wasm' }), warn: platformWarn },
  };
}
