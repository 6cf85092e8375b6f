import type { InferenceSession } from 'onnxruntime-common';

/** The part of an onnxruntime-web module the adapter uses. */
export type OrtWeb = typeof import('onnxruntime-web/wasm');

/** Execution provider names that need the WebGPU/WebNN build of onnxruntime-web. */
const ACCELERATED = new Set(['webgpu', 'webnn']);

function providerName(ep: InferenceSession.ExecutionProviderConfig): string {
  return typeof ep === 'string' ? ep : ep.name;
}

/**
 * Imports the smallest onnxruntime-web build that serves the providers: the wasm-only build
 * (`onnxruntime-web/wasm`) unless WebGPU or WebNN is asked for, then the full build.
 */
export async function loadOrt(providers: readonly InferenceSession.ExecutionProviderConfig[]): Promise<OrtWeb> {
  if (providers.some((ep) => ACCELERATED.has(providerName(ep)))) {
    return (await import('onnxruntime-web')) as unknown as OrtWeb;
  }
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
