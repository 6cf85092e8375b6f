// What the page can observe of where inference runs, without asking the library: onnxruntime's
// own log lines (node placement) and the WebGPU compute work the page's device was given.

/** Every console line since the page loaded: onnxruntime-web's wasm logs through console.error. */
export const consoleLines: { level: 'log' | 'info' | 'warn' | 'error'; text: string }[] = [];

/**
 * Records console output, still printing it. Installed before onnxruntime-web loads (it binds
 * console.error once, when its wasm module starts), so its logs land here too.
 */
export function recordConsole(): void {
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      consoleLines.push({ level, text: args.map(String).join(' ') });
      original(...args);
    };
  }
}

let dispatched = 0;

/** Compute dispatches (`dispatchWorkgroups` calls) on any WebGPU device of this page so far. */
export function dispatches(): number {
  return dispatched;
}

/** Counts WebGPU compute dispatches: work that runs on the GPU adapter, whatever library sends it. */
export function countDispatches(): void {
  const encoder = (globalThis as { GPUComputePassEncoder?: { prototype: { dispatchWorkgroups(...args: unknown[]): void } } }).GPUComputePassEncoder;
  if (!encoder) return;
  const original = encoder.prototype.dispatchWorkgroups;
  encoder.prototype.dispatchWorkgroups = function (this: unknown, ...args: unknown[]) {
    dispatched++;
    return original.apply(this, args);
  };
}

/** Per execution provider: how many nodes onnxruntime placed on it, and their operators where it listed them. */
export type Placements = Record<string, { nodes: number; ops: Record<string, number> }>;

/**
 * Reads the node placement that onnxruntime logs at session start (verbose level): either
 * `All nodes placed on [WebGpuExecutionProvider]. Number of nodes: 86`, or for each provider
 * `Node(s) placed on [CPUExecutionProvider]. Number of nodes: 69` followed by one line per node,
 * `  QLinearConv (Conv_0_quant)`. onnxruntime-web names its WebGPU provider `JsExecutionProvider`
 * in the JSEP build and `WebGpuExecutionProvider` in the native one.
 */
export function placementsIn(lines: readonly string[]): Placements {
  const out: Placements = {};
  let listing: Record<string, number> | undefined;
  for (const line of lines) {
    const header = /(?:All nodes|Node\(s\)) placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(line);
    if (header) {
      out[header[1]!] = { nodes: Number(header[2]), ops: {} };
      listing = line.includes('Node(s)') ? out[header[1]!]!.ops : undefined;
      continue;
    }
    const node = /VerifyEachNodeIsAssignedToAnEp\]\s{2,}(\w+) \(/.exec(line);
    if (node && listing) listing[node[1]!] = (listing[node[1]!] ?? 0) + 1;
    else listing = undefined;
  }
  return out;
}
