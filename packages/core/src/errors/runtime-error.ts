import { clipText, describeError, OnnxMobilenetError } from './errors.js';

/**
 * The `E_RUNTIME` error: what failed (`what`, e.g. "onnxruntime-node cannot load in this process"),
 * the runtime's own first line (`reason`: an error or its text), the cause where the adapter knows
 * more (`hint`), and the fix.
 *
 * @example
 * ```ts
 * throw runtimeError('cannot decode photo.jpg in this runtime', 'createImageBitmap is not defined', 'pass raw pixels');
 * ```
 */
export function runtimeError(what: string, reason: unknown, fix: string, options?: { cause?: unknown; hint?: string | undefined }): OnnxMobilenetError {
  const hint = options?.hint ? ` Cause: ${options.hint}.` : '';
  const said = clipText(firstLine(reasonText(reason)).replace(/\.+$/, ''), 500);
  return new OnnxMobilenetError('E_RUNTIME', `${what}: ${said}.${hint} Fix: ${fix}`, { cause: options?.cause });
}

/** An error's message, led by its Node-style code where the message does not say it (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING). */
function reasonText(reason: unknown): string {
  const text = describeError(reason);
  const code = (reason as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) && !text.includes(code) ? `${code}: ${text}` : text;
}

/** The first non-empty line of an error text (sharp's and Node's loader errors go on for many lines). */
function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? text
  );
}
