import type { InferenceSession } from 'onnxruntime-common';

/** The part of an onnxruntime-web module the adapter uses. */
export type OrtWeb = typeof import('onnxruntime-web/wasm');

/** Execution provider names that need the WebGPU/WebNN build of onnxruntime-web. */
const ACCELERATED = new Set(['webgpu', 'webnn']);

function providerName(ep: InferenceSession.ExecutionProviderConfig): string {
  return typeof ep === 'string' ? ep : ep.name;
}

/** Whether a provider needs onnxruntime-web's full build. */
export function isAccelerated(ep: InferenceSession.ExecutionProviderConfig): boolean {
  return ACCELERATED.has(providerName(ep));
}

/**
 * Where `@onnx-mobilenet/web/accelerated` leaves its loader of onnxruntime-web's full build: a
 * global, so that the separately bundled subpath and this entry share it.
 */
const FULL_BUILD = Symbol.for('onnx-mobilenet.onnxruntime-web-full-build');

/** Registers the loader of onnxruntime-web's full build (WebGPU, WebNN). */
export function registerFullBuild(load: () => Promise<unknown>): void {
  (globalThis as Record<symbol, unknown>)[FULL_BUILD] = load;
}

function fullBuildLoader(): (() => Promise<OrtWeb>) | undefined {
  return (globalThis as Record<symbol, (() => Promise<OrtWeb>) | undefined>)[FULL_BUILD];
}

/** True once `enableAcceleratedProviders()` (from the `accelerated` subpath) was called. */
export function acceleratedProvidersEnabled(): boolean {
  return fullBuildLoader() !== undefined;
}

/**
 * Imports the smallest onnxruntime-web build that serves the providers: the wasm-only build
 * (`onnxruntime-web/wasm`) unless WebGPU or WebNN is asked for (and enabled), then the full build.
 */
export async function loadOrt(providers: readonly InferenceSession.ExecutionProviderConfig[]): Promise<OrtWeb> {
  const loadFull = fullBuildLoader();
  if (loadFull && providers.some(isAccelerated)) return loadFull();
  return import('onnxruntime-web/wasm');
}

/**
 * Keeps the providers this browser has, in order, always ending with `wasm`, and says which were
 * dropped: WebGPU needs `navigator.gpu`, WebNN `navigator.ml`.
 */
export function availableProviders(requested: readonly InferenceSession.ExecutionProviderConfig[]): {
  providers: InferenceSession.ExecutionProviderConfig[];
  dropped: string[];
} {
  const nav = (globalThis as { navigator?: { gpu?: unknown; ml?: unknown } }).navigator;
  const dropped: string[] = [];
  const providers = requested.filter((ep) => {
    const name = providerName(ep);
    const ok = name === 'webgpu' ? !!nav?.gpu : name === 'webnn' ? !!nav?.ml : true;
    if (!ok) dropped.push(name);
    return ok;
  });
  if (!providers.some((ep) => providerName(ep) === 'wasm' || providerName(ep) === 'cpu')) providers.push('wasm');
  return { providers, dropped };
}

export { providerName };
