import type { InferenceSession } from 'onnxruntime-common';
import { acceleratedProvidersEnabled, availableProviders, isAccelerated, providerName } from './load-ort.js';

/**
 * Why each onnxruntime-web 1.30 provider runs a quantized MobileNetV2 slower than its float twin.
 * wasm is measured (`pnpm bench:web`, Chromium, bare `session.run` on the same tensors: the zoo's
 * int8 file 43 ms/photo against 26 ms for the fp32 stand-in on 1 thread). WebGPU and WebNN follow
 * from onnxruntime-web's kernel lists (its docs/webgpu-operators.md, webnn-operators.md): neither
 * has QLinearConv, QLinearAdd or QLinearGlobalAveragePool, so the int8 graph's layers run on the
 * wasm int8 kernels anyway, with copies to and from the device between them, while the
 * dequantized graph is Conv, Add, Clip and Gemm, which both run on the device. On SwiftShader's
 * WebGPU adapter (test/browser/webgpu.test.ts) onnxruntime placed 68 of the int8 file's 74 nodes
 * on the CPU, and all 83 nodes of the float graph on WebGPU.
 */
const REASONS: Readonly<Record<string, string>> = {
  wasm: "onnxruntime-web's wasm int8 kernels are slower than its float kernels (measured: about 1.6x for MobileNetV2)",
  webgpu: "onnxruntime-web's WebGPU provider has no QLinear* kernels: an int8 graph would run on the wasm int8 kernels",
  webnn: "onnxruntime-web's WebNN provider has no QLinear* kernels: an int8 graph would run on the wasm int8 kernels",
};

/**
 * Whether onnxruntime-web runs int8 graphs slower than float ones with these execution providers,
 * judged by the provider the session will try first (after dropping those this page lacks, as
 * `createSession` does): wasm, WebGPU and WebNN all are; a provider it does not know is taken to
 * be no slower. With `precision: 'auto'` core then loads int8 models dequantized.
 */
export function int8SlowerOnWeb(requested: readonly InferenceSession.ExecutionProviderConfig[] | undefined): { slower: boolean; reason: string } {
  let providers = availableProviders(requested ?? ['wasm']).providers;
  if (!acceleratedProvidersEnabled()) providers = providers.filter((ep) => !isAccelerated(ep));
  const first = providerName(providers[0] ?? 'wasm');
  const reason = REASONS[first === 'cpu' ? 'wasm' : first];
  return reason ? { slower: true, reason } : { slower: false, reason: `no measurement for the ${first} provider` };
}
