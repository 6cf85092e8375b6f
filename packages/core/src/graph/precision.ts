import { OnnxMobilenetError } from '../errors/errors.js';

// The precision policy, whole: the values of the `precision` option, and the decision whether a
// quantized model runs as float, made from facts about the model (its registry entry) and about the
// platform (the facts an adapter reports: its runtime, CPU, first execution provider). Adapters
// report facts only; every judgement of onnxruntime's int8 kernels is made here.

/**
 * The values of the `precision` option: `'auto'` (default) runs a quantized model as float where
 * its int8 kernels lose accuracy or are slower here, `'model'` as it is, `'fp32'` always as float.
 * The one list that the option's type, its check and the CLI's `--precision` are made from.
 *
 * @example
 * ```ts
 * if (!PRECISIONS.includes(value)) throw new Error(`--precision is one of ${PRECISIONS.join(', ')}`);
 * ```
 */
export const PRECISIONS = ['auto', 'model', 'fp32'] as const;
/** How to run a quantized model: one of {@link PRECISIONS}. */
export type Precision = (typeof PRECISIONS)[number];

/**
 * What an adapter knows of the int8 kernels a session will run: facts, not verdicts.
 *
 * @example
 * ```ts
 * const facts: Int8Facts = { runtime: 'native', cpu: { arch: 'x64', flags: ['avx2', 'avx512_vnni'] } };
 * ```
 */
export interface Int8Facts {
  /** onnxruntime's native build (onnxruntime-node: MLAS CPU kernels) or its web build (wasm, WebGPU, WebNN). */
  runtime: 'native' | 'web';
  /** Native: the CPU's architecture (Node's names: `'x64'`, `'arm64'`…) and feature flags as Linux lists them, `null` where unknown. */
  cpu?: { arch: string; flags: readonly string[] | null } | undefined;
  /** Web: the execution provider the session will try first (`'wasm'`, `'webgpu'`, `'webnn'`; `'cpu'` is wasm). */
  provider?: string | undefined;
  /** The user's override where the platform has one: the setting's name and its value (`'dequantize'` or `'native'`). */
  override?: { setting: string; value: string } | undefined;
}

/** Whether int8 kernels here lose accuracy or speed against float, and why. */
export interface Int8Verdict {
  /** `'accuracy'`: int8 results are off (dequantize, and say so); `'speed'`: only slower (dequantize silently); `null`: run int8. */
  worse: 'accuracy' | 'speed' | null;
  reason: string;
}

/** x86-64 flags of the VNNI instructions onnxruntime's int8 kernels use without saturating. */
const VNNI_FLAGS = ['avx512_vnni', 'avx_vnni', 'amx_int8'];
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
const WEB_SLOWER: Readonly<Record<string, string>> = {
  wasm: "onnxruntime-web's wasm int8 kernels are slower than its float kernels (measured: about 1.6x for MobileNetV2)",
  webgpu: "onnxruntime-web's WebGPU provider has no QLinear* kernels: an int8 graph would run on the wasm int8 kernels",
  webnn: "onnxruntime-web's WebNN provider has no QLinear* kernels: an int8 graph would run on the wasm int8 kernels",
};

/**
 * Judges onnxruntime's int8 kernels from an adapter's facts. Native (onnxruntime-node): on x86-64
 * without VNNI its u8s8 AVX2 kernels' 16-bit intermediate sums saturate (microsoft/onnxruntime#16105,
 * #6004), so int8 loses accuracy; with VNNI, on other CPUs, or where the flags are unknown it is
 * trusted. Web: int8 is slower on every provider measured or without int8 kernels. The override
 * (`ONNX_MOBILENET_INT8` in Node) decides accuracy either way.
 */
export function int8Verdict(facts: Int8Facts | undefined): Int8Verdict {
  const forced = facts?.override;
  if (forced?.value === 'dequantize') return { worse: 'accuracy', reason: `${forced.setting}=dequantize` };
  if (forced?.value === 'native') return { worse: null, reason: `${forced.setting}=native` };
  if (facts?.runtime === 'web') {
    const first = facts.provider === 'cpu' || facts.provider === undefined ? 'wasm' : facts.provider;
    const reason = WEB_SLOWER[first];
    return reason ? { worse: 'speed', reason } : { worse: null, reason: `no measurement for the ${first} provider` };
  }
  const cpu = facts?.cpu;
  if (cpu?.arch !== 'x64' || !cpu.flags) return { worse: null, reason: 'not an x86-64 CPU with known flags' };
  if (VNNI_FLAGS.some((f) => cpu.flags!.includes(f))) return { worse: null, reason: 'this CPU has VNNI' };
  if (!cpu.flags.includes('avx2')) return { worse: null, reason: 'no AVX2 flags read' };
  return {
    worse: 'accuracy',
    reason: "this x86-64 CPU has AVX2 but no VNNI, where onnxruntime's int8 kernels saturate and lose accuracy (microsoft/onnxruntime#16105)",
  };
}

/** Whether quantized models run as float here, and the warning to give when one does. */
export interface FloatPolicy {
  wanted: boolean;
  /** Said once when a quantized model is dequantized because `'auto'` judged its kernels inaccurate (not when only slower). */
  warning?: string | undefined;
  /**
   * True when float is wanted only for speed: a float graph over `limits.maxModelBytes` then
   * leaves the model quantized instead of failing with `E_LIMIT`.
   */
  optional?: boolean | undefined;
}

/**
 * The precision policy: whether `precision` asks for quantized models to run as float here.
 * `'auto'` runs them as float where {@link int8Verdict} finds the int8 kernels inaccurate (with a
 * warning) or only slower (silently: no accuracy lost, and not where the float graph would exceed
 * `limits.maxModelBytes`). Registry models that are not int8 never change; `facts` is asked for
 * only under `'auto'`, for an int8 (or unknown) model.
 */
export function floatPolicy(precision: Precision, registry: { precision: 'fp32' | 'int8' } | undefined, facts: () => Int8Facts | undefined): FloatPolicy {
  if (!PRECISIONS.includes(precision)) {
    throw new OnnxMobilenetError('E_INPUT', `precision must be one of ${PRECISIONS.map((p) => `'${p}'`).join(', ')}, got ${JSON.stringify(precision)}`);
  }
  if (precision === 'model' || (registry && registry.precision !== 'int8')) return { wanted: false };
  if (precision === 'fp32') return { wanted: true };
  const { worse, reason } = int8Verdict(facts());
  if (worse === 'accuracy') {
    return { wanted: true, warning: `int8 model runs dequantized to float32: ${reason}. Pass precision: 'model' to run the int8 kernels anyway.` };
  }
  return worse === 'speed' ? { wanted: true, optional: true } : { wanted: false };
}
