// The facts about this machine a benchmark result needs beside it.
import { readFileSync } from 'node:fs';
import os from 'node:os';

const FLAGS = ['avx2', 'fma', 'avx512f', 'avx512bw', 'avx512_vnni', 'avx_vnni', 'avx512_bf16', 'amx_int8', 'amx_tile', 'neon', 'asimd'];

/** CPU model, core count, SIMD flags that matter to onnxruntime and libvips, runtime versions. */
export function machineFacts(extra = {}) {
  let model = os.cpus()[0]?.model ?? 'unknown';
  let flags = [];
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    model = /^model name\s*:\s*(.*)$/m.exec(info)?.[1] ?? model;
    const present = new Set((/^(?:flags|Features)\s*:\s*(.*)$/m.exec(info)?.[1] ?? '').split(/\s+/));
    flags = FLAGS.filter((f) => present.has(f));
  } catch {
    // not Linux: the model from os.cpus() is all there is
  }
  return { cpu: model, cores: os.availableParallelism(), flags, platform: `${process.platform}-${process.arch}`, node: process.version, ...extra };
}
