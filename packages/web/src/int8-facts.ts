import type { Int8Facts } from '@onnx-mobilenet/core/adapter';
import type { InferenceSession } from 'onnxruntime-common';
import { acceleratedProvidersEnabled, availableProviders, isAccelerated, providerName } from './load-ort.js';

/**
 * What onnxruntime-web's int8 kernels depend on, for core's precision policy to judge: the
 * provider a session with these execution providers will try first, after dropping those this
 * page lacks, as `createSession` does.
 */
export function int8FactsOnWeb(requested: readonly InferenceSession.ExecutionProviderConfig[] | undefined): Int8Facts {
  let providers = availableProviders(requested ?? ['wasm']).providers;
  if (!acceleratedProvidersEnabled()) providers = providers.filter((ep) => !isAccelerated(ep));
  return { runtime: 'web', provider: providerName(providers[0] ?? 'wasm') };
}
