import { readFileSync } from 'node:fs';

/** Override of the int8 check: `ONNX_MOBILENET_INT8=native` or `=dequantize`. */
const OVERRIDE = 'ONNX_MOBILENET_INT8';

/**
 * Whether onnxruntime-node's int8 kernels lose accuracy on this CPU: on x86-64 without VNNI they
 * use u8s8 AVX2 kernels whose 16-bit intermediate sums saturate (microsoft/onnxruntime#16105,
 * #6004). Read from /proc/cpuinfo on Linux; elsewhere unknown (reported as accurate) unless
 * `ONNX_MOBILENET_INT8` says `dequantize` or `native`.
 *
 * @example
 * ```ts
 * const { inaccurate, reason } = int8Accuracy();
 * ```
 */
export function int8Accuracy(env: NodeJS.ProcessEnv = process.env, cpuinfo = readCpuinfo()): { inaccurate: boolean; reason: string } {
  const forced = env[OVERRIDE];
  if (forced === 'dequantize') return { inaccurate: true, reason: `${OVERRIDE}=dequantize` };
  if (forced === 'native') return { inaccurate: false, reason: `${OVERRIDE}=native` };
  if (process.arch !== 'x64' || cpuinfo === null) return { inaccurate: false, reason: 'not an x86-64 CPU with known flags' };
  const flags = new Set((/^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '').split(/\s+/));
  if (['avx512_vnni', 'avx_vnni', 'amx_int8'].some((f) => flags.has(f))) return { inaccurate: false, reason: 'this CPU has VNNI' };
  if (!flags.has('avx2')) return { inaccurate: false, reason: 'no AVX2 flags read' };
  return {
    inaccurate: true,
    reason: "this x86-64 CPU has AVX2 but no VNNI, where onnxruntime's int8 kernels saturate and lose accuracy (microsoft/onnxruntime#16105)",
  };
}

function readCpuinfo(): string | null {
  try {
    return process.platform === 'linux' ? readFileSync('/proc/cpuinfo', 'utf8') : null;
  } catch {
    return null;
  }
}
