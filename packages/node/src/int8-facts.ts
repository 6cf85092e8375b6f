import { readFileSync } from 'node:fs';
import type { Int8Facts } from '@onnx-mobilenet/core/adapter';

/** The environment variable that overrides core's int8 verdict: `ONNX_MOBILENET_INT8=native` or `=dequantize`. */
const OVERRIDE = 'ONNX_MOBILENET_INT8';

/**
 * What onnxruntime-node's int8 kernels depend on here, for core's precision policy to judge: the
 * CPU's architecture and flags (read from /proc/cpuinfo on Linux; unknown elsewhere) and
 * `ONNX_MOBILENET_INT8`.
 *
 * @example
 * ```ts
 * int8Facts(); // { runtime: 'native', cpu: { arch: 'x64', flags: ['fpu', …, 'avx2', …] } }
 * ```
 */
export function int8Facts(env: NodeJS.ProcessEnv = process.env, cpuinfo = readCpuinfo(), arch: string = process.arch): Int8Facts {
  // Own properties only: process.env inherits from Object.prototype, which a polluted prototype would reach.
  const value = Object.hasOwn(env, OVERRIDE) ? env[OVERRIDE] : undefined;
  const flags = cpuinfo === null ? null : (/^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '').split(/\s+/).filter(Boolean);
  return { runtime: 'native', cpu: { arch, flags }, override: value === undefined ? undefined : { setting: OVERRIDE, value } };
}

function readCpuinfo(): string | null {
  try {
    return process.platform === 'linux' ? readFileSync('/proc/cpuinfo', 'utf8') : null;
  } catch {
    return null;
  }
}
