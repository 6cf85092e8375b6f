// In a bun build --compile executable, loads what the native modules link against.
import { prepareNative } from '#single-binary';
import { createRequire } from 'node:module';
import { runtimeError } from '@onnx-mobilenet/core/adapter';
import { isOnnxMobilenetError, type OnnxMobilenetError } from '@onnx-mobilenet/core';

/** The onnxruntime-node module, as the adapter uses it. */
export type OrtNode = typeof import('onnxruntime-node');
/** sharp's default export (the constructor function). */
export type SharpFunction = typeof import('sharp').default;

/**
 * What a native module's load failure says, and what it means: the part of the loader's text that
 * tells the cause, and the hint for it. Recognised here, in one place; `runtimeError` adds the fix.
 */
const NATIVE_CAUSES: readonly [RegExp, string][] = [
  [
    /libonnxruntime\.so[.\d]*: cannot open shared object file|libonnxruntime[.\d]*\.dylib|onnxruntime\.dll/i,
    `its binding loaded but not the libonnxruntime shared library that sits beside it in onnxruntime-node/bin/napi-v6/<os>/<arch>: a file tracer or bundler copied one file without the other (Next.js standalone: outputFileTracingIncludes { '/*': ['./node_modules/onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/**'] })`,
  ],
  [
    /onnxruntime_binding\.node/i,
    `onnxruntime-node has no binding for ${process.platform}-${process.arch} here (onnxruntime-node ships none for musl/Alpine: there, import from 'onnx-mobilenet/wasm', which needs no native module; or a build step removed it)`,
  ],
  [
    /Could not load the "sharp" module/i,
    "sharp's native part for this platform (@img/sharp-<os>-<arch> and libvips) is missing or was bundled: npm install --include=optional sharp, and keep sharp external " +
      "(Next.js with webpack bundles a second sharp that npm nested under @onnx-mobilenet/node: serverExternalPackages: ['@onnx-mobilenet/node'])",
  ],
  [/NODE_MODULE_VERSION|was compiled against a different Node\.js version/i, 'it was built for another Node.js version: reinstall it with this Node.js'],
  [/GLIBC_|invalid ELF header|wrong ELF class|Error relocating|musl/i, 'its binary was built for another OS, C library or CPU than this one'],
];

/** What to do about a native module that does not load, whatever the cause. */
const NATIVE_FIX =
  'ship the package whole beside the app: keep it external to bundlers (esbuild/bun --external, webpack externals, ' +
  'Next.js serverExternalPackages) and let file tracers copy its native files (Next.js outputFileTracingIncludes), or reinstall it for this platform';

/** The typed error for `module` failing to load: E_RUNTIME with the loader's own first line and the hint. */
export function nativeModuleError(module: 'onnxruntime-node' | 'sharp', err: unknown): OnnxMobilenetError {
  const text = err instanceof Error ? err.message : String(err);
  const hint = NATIVE_CAUSES.find(([pattern]) => pattern.test(text))?.[1];
  return runtimeError(`${module} cannot load in this process`, err, NATIVE_FIX, { cause: err, hint });
}

let ort: Promise<OrtNode> | undefined;
let sharp: Promise<SharpFunction> | undefined;
let vips = 'unknown';

/** The libvips version of the sharp that loaded (for messages about what it refuses). */
export function vipsVersion(): string {
  return vips;
}

/**
 * onnxruntime-node, imported on first use rather than with the adapter: a binding or shared library
 * that cannot load is then `E_RUNTIME` naming it, not an import error of the app. A failed load is
 * not kept, so a later call tries again.
 */
export function loadOnnxruntime(): Promise<OrtNode> {
  ort ??= loadNative('onnxruntime-node', () => viaRequire<OrtNode>('onnxruntime-node') ?? import('onnxruntime-node')).catch((err: unknown) => {
    ort = undefined;
    throw err;
  });
  return ort;
}

/** sharp, imported on first decode (see {@link loadOnnxruntime}). */
export function loadSharp(): Promise<SharpFunction> {
  sharp ??= loadNative('sharp', () => viaRequire<typeof import('sharp')>('sharp') ?? import('sharp')).then(
    (module) => {
      const loaded = (module as { default?: SharpFunction }).default ?? (module as unknown as SharpFunction);
      vips = loaded.versions.vips;
      return loaded;
    },
    (err: unknown) => {
      sharp = undefined;
      throw err;
    },
  );
  return sharp;
}

/**
 * `module` through `require` in Node: both packages ship CommonJS, and Node's ESM loader spends far
 * more on them than `require` does. In a fresh process, sharp 0.35's ESM build (which imports all
 * of semver through the loader's CommonJS wrapper) took 95-120 CPU ms against 40-55 for
 * `require('sharp')`, onnxruntime-node 24 against 17 (bench/cold-start-bench.mjs). Bun keeps
 * `import()` (its single binaries embed the modules it imports); so does a `require` that fails
 * (a bundle moved away from node_modules), and the `import()` then reports the failure as before.
 */
function viaRequire<T>(module: 'onnxruntime-node' | 'sharp'): T | undefined {
  if (process.versions.bun !== undefined) return undefined;
  let require: NodeJS.Require;
  try {
    require = createRequire(import.meta.url); // a bundle may leave import.meta.url empty
  } catch {
    return undefined;
  }
  try {
    return require(module) as T;
  } catch (err) {
    // not found from here, or ESM only: import() may still find it. Anything else (a native
    // library that does not load) is the failure itself, reported with its own text, not retried.
    if (REQUIRE_MISSES.has((err as { code?: unknown }).code as string)) return undefined;
    throw err;
  }
}

/** `require` failures after which `import()` is tried. */
const REQUIRE_MISSES = new Set(['MODULE_NOT_FOUND', 'ERR_REQUIRE_ESM', 'ERR_PACKAGE_PATH_NOT_EXPORTED']);

/** Prepares the native libraries (single binaries), then imports `module`; every failure is E_RUNTIME. */
async function loadNative<T>(module: 'onnxruntime-node' | 'sharp', load: () => T | Promise<T>): Promise<T> {
  try {
    prepareNative();
    return await load();
  } catch (err) {
    throw isOnnxMobilenetError(err) ? err : nativeModuleError(module, err);
  }
}
