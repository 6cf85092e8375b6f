import { describeError } from './errors.js';

/**
 * Why onnxruntime cannot start in this runtime, whatever the model: the causes core recognises in
 * what onnxruntime throws. The platform-specific ones (a native module that does not load, no image
 * decoder) are the adapters' to recognise; all of them become `E_RUNTIME` through `runtimeError`.
 * Imported statically: a lazy chunk of its own made Parcel split a shared bundle that breaks its
 * module workers (docs/guides/bundlers.md).
 */
export type RuntimeCause = 'no-wasm' | 'wasm-code-generation' | 'dynamic-import' | 'wasm-file' | 'no-backend';

/** The fix on edge runtimes: the wasm path, which the browser build was bundled in place of. */
const EDGE_FIX = "use the wasm path: import from 'onnx-mobilenet/wasm', or build with the workerd or edge-light condition";

/** What each cause means for the user, said once: the fix follows the runtime's own words in every message. */
export const RUNTIME_FIXES: Record<RuntimeCause, string> = {
  'no-wasm':
    'this runtime has no WebAssembly (or none with SIMD), which onnxruntime-web needs: classify in a current browser, or in Node.js with @onnx-mobilenet/node',
  'wasm-code-generation': `this runtime forbids compiling WebAssembly at run time (edge runtimes: Cloudflare Workers, Vercel Edge, Next.js edge routes); ${EDGE_FIX}`,
  'dynamic-import': `this runtime has no dynamic import(), which onnxruntime-web's browser build needs (edge runtimes, vm scripts without importModuleDynamically); ${EDGE_FIX}`,
  'wasm-file':
    "onnxruntime's .wasm file could not be fetched or is not WebAssembly (a 404 or an HTML page at its URL): serve the onnxruntime-web .wasm files and point wasmPaths at them",
  'no-backend': 'onnxruntime found no execution provider that starts here: pass executionProviders this runtime has (cpu in Node, wasm in browsers)',
};

/** The causes recognised in onnxruntime's text, most specific first. */
const RECOGNISED: readonly [RuntimeCause, RegExp][] = [
  // V8 with the embedder's wasm code generation off (vm codeGeneration.wasm false, edge runtimes),
  // and Next.js' edge sandbox (its own words in development)
  [
    'wasm-code-generation',
    /Wasm code generation disallowed|WebAssembly\.\w+\(\)[^\n]*disallowed|Dynamic (?:Code Evaluation|WASM code generation)[^\n]*not allowed/i,
  ],
  // onnxruntime-web's own check, and runtimes without WebAssembly at all
  ['no-wasm', /WebAssembly (?:SIMD )?is not supported|WebAssembly is not defined/i],
  ['dynamic-import', /ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING|dynamic import callback|import\(\) is (?:disallowed|not (?:allowed|supported))/i],
  // the fetched bytes were no wasm (an HTML 404 page: "expected magic word 00 61 73 6d"), or no fetch worked
  ['wasm-file', /expected magic word|fetching of the wasm failed|failed to fetch[^\n]*\.wasm/i],
];

/** onnxruntime-common's words when no execution provider's backend initialised (before any model is read). */
const NO_BACKEND = /no available backend found/i;
/** How the runtime's own failures begin: onnxruntime-common's words, and Next.js' edge sandbox's. */
const RUNTIME_LEADS = /^(?:\w*Error: )?(?:no available backend found|Dynamic (?:Code Evaluation|WASM code generation))/i;

/**
 * The runtime cause behind an onnxruntime failure, or undefined when the failure may be the model's.
 * "no available backend found" is always the runtime's: onnxruntime resolves and starts its
 * backends before it reads a byte of the model, and the text carries each backend's own reason.
 *
 * @example
 * ```ts
 * recogniseRuntimeFailure(new Error('no available backend found. ERR: [wasm] CompileError: WebAssembly.instantiate(): Wasm code generation disallowed by embedder'));
 * // 'wasm-code-generation'
 * ```
 */
export function recogniseRuntimeFailure(err: unknown): RuntimeCause | undefined {
  // Only an error of the runtime's own (its message leads with onnxruntime-common's or the edge
  // sandbox's words, or it carries Node's code), here or in the cause chain: a model's errors quote
  // its node and operator names, which a hostile file can make say anything.
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null && !isRuntimesOwn(current); depth++)
    current = current instanceof Error ? current.cause : undefined;
  if (current === undefined || current === null) return undefined;
  const text = errorChainText(current);
  for (const [cause, pattern] of RECOGNISED) if (pattern.test(text)) return cause;
  return NO_BACKEND.test(text) ? 'no-backend' : undefined;
}

/** An error the runtime raised itself, not one that quotes a model. */
function isRuntimesOwn(err: unknown): boolean {
  return RUNTIME_LEADS.test(describeError(err)) || (err as { code?: unknown }).code === 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING';
}

/** The messages (and codes) of an error and its causes, a few levels deep. */
function errorChainText(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${code} ${describeError(current)}` : describeError(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}
