import { parseArgs, type ParseArgsConfig } from 'node:util';
import { orList } from '@onnx-mobilenet/core/adapter';
import { isOnnxMobilenetError } from '@onnx-mobilenet/node';
import { terminalText } from './terminal-text.js';

/** Where the CLI writes; injectable so tests run it in-process. */
export interface CliIO {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

/** Exit status of a usage error, as Unix tools use it. */
export const USAGE_EXIT = 2;

/**
 * A mistake in the command line. {@link runCli} prints it as `onnx-mobilenet: <message>`, with the
 * command's help when `help` is set, and exits with {@link USAGE_EXIT}: every command reports
 * argument errors this one way.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses a command's arguments with node:util `parseArgs` (positionals allowed) and turns what it
 * throws (an unknown option, a missing value) into a {@link UsageError} with the command's help.
 */
export function parseCommandLine<const O extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: O,
  help: string,
): ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>> {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, options });
  } catch (err) {
    throw new UsageError((err as Error).message, help);
  }
}

/** An integer option from `min` (1 unless given) to `max`, or undefined when absent; anything else is a {@link UsageError}. */
export function intOption(name: string, value: string | undefined, max = Infinity, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be ${max === Infinity && min === 1 ? 'a positive integer' : `an integer from ${min} to ${max}`}, got "${value}"`);
  return n;
}

/**
 * An option whose values are listed in a constant tuple (`RESIZE_MODES`, `PRUNE_PLATFORMS`): one
 * of them, or undefined when absent; anything else is a {@link UsageError} listing them, as the
 * help does ({@link orList}).
 */
export function choiceOption<T extends string>(name: string, value: string | undefined, allowed: readonly T[], help?: string): T | undefined {
  if (value !== undefined && !allowed.includes(value as T)) throw new UsageError(`--${name} must be ${orList(allowed)}, got "${value}"`, help);
  return value as T | undefined;
}

/** The download flags of every command that loads a classifier (classify, eval, worker). */
export const DOWNLOAD_FLAGS = {
  mirror: { type: 'string' },
  'cache-dir': { type: 'string' },
  'allow-private-network': { type: 'boolean', default: false },
} as const;

/** Help line of `--allow-private-network`. */
export const ALLOW_PRIVATE_NETWORK_HELP =
  '--allow-private-network  let the model, labels and mirror be on loopback or private addresses (127.0.0.1, 10/8, ...); refused by default';

/**
 * `--mirror` and `--cache-dir`, else `ONNX_MOBILENET_MIRROR` and `ONNX_MOBILENET_CACHE` (empty
 * means unset); `--allow-private-network` as `allowPrivateNetwork`.
 */
export function downloadOptions(
  values: { mirror?: string | undefined; 'cache-dir'?: string | undefined; 'allow-private-network'?: boolean | undefined },
  env: NodeJS.ProcessEnv,
): { mirror?: string | undefined; cacheDir?: string | undefined; allowPrivateNetwork?: boolean | undefined } {
  return {
    mirror: values.mirror ?? (env.ONNX_MOBILENET_MIRROR || undefined),
    cacheDir: values['cache-dir'] ?? (env.ONNX_MOBILENET_CACHE || undefined),
    ...(values['allow-private-network'] ? { allowPrivateNetwork: true } : {}),
  };
}

/**
 * A failure as one line: `E_CODE: message` for the library's errors, the message otherwise (raw:
 * pass it through `terminalText` to print it). A refusal naming the library option
 * `allowPrivateNetwork` names the flag that sets it too.
 */
export function describeFailure(err: unknown): string {
  const message = ((err as Error)?.message ?? String(err)).replace('allowPrivateNetwork: true', 'allowPrivateNetwork: true (--allow-private-network)');
  return `${isOnnxMobilenetError(err) ? `${err.code}: ` : ''}${message}`;
}

/** {@link describeFailure} escaped for a terminal, as the one line printed on stderr. */
export function failureLine(err: unknown): string {
  return terminalText(describeFailure(err));
}
