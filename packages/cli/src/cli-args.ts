import { parseArgs, type ParseArgsConfig } from 'node:util';
import { clipText, didYouMean, orList } from '@onnx-mobilenet/core/adapter';
import { MODELS, isOnnxMobilenetError } from '@onnx-mobilenet/node';
import { CACHE_VARIABLE, UNREACHABLE_HINT, envVariable } from '@onnx-mobilenet/node/adapter';
import { EXIT_CODES } from './exit-codes.js';
import { terminalText } from './terminal-text.js';

/** Where the CLI writes; injectable so tests run it in-process. */
export interface CliIO {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

/** Exit status of a usage error, as Unix tools use it. */
export const USAGE_EXIT = EXIT_CODES.usage.code;

/**
 * A mistake in the command line. {@link runCli} prints it as `onnx-mobilenet: <message>` and one
 * usage line taken from `help` (the command's own line of its "Usage:" block, pointing to its
 * `--help`), and exits with {@link USAGE_EXIT}: every command reports argument errors this one way.
 */
export class UsageError extends Error {
  /**
   * @param help - the help of the command it concerns
   * @param command - the command whose usage line to print, when not the one the command line starts with
   */
  constructor(
    message: string,
    readonly help?: string,
    readonly command?: string,
  ) {
    // the backstop of quote(): no usage error, however built, echoes megabytes of argv
    super(clipText(message, MAX_USAGE_MESSAGE_CHARS));
    this.name = 'UsageError';
  }
}

/** The longest message a {@link UsageError} keeps. */
const MAX_USAGE_MESSAGE_CHARS = 500;

/** An argv value as a usage error quotes it: clipped (the terminal escaping comes when it is printed). */
export const quote = (value: string): string => clipText(value, 80);

/**
 * The longest option name (before `=`) or short-option group (`-abc`, up to a short option taking
 * a value) accepted, far above the longest real one (`--allow-private-network`): parseArgs expands
 * a group in quadratic time and recursion (200,000 characters overflow the stack).
 */
export const MAX_OPTION_CHARS = 128;

/** Refuses an option word longer than {@link MAX_OPTION_CHARS} before parseArgs sees it; values (`--opt=<value>`, `-o<value>`) may be long. */
function checkOptionLengths(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>): void {
  const valueShorts = new Set(Object.values(options).flatMap((o) => (o.type === 'string' && o.short ? [o.short] : [])));
  for (const arg of argv) {
    if (arg === '--') return; // the rest are positionals
    if (!arg.startsWith('-') || arg === '-') continue;
    let end = arg.indexOf('=');
    if (!arg.startsWith('--')) for (end = 1; end < arg.length && !valueShorts.has(arg[end]!); ) end++;
    if ((end < 0 ? arg.length : end) > MAX_OPTION_CHARS) throw new UsageError(`option too long (${arg.length} characters): '${clipText(arg, 40)}'`);
  }
}

/** parseArgs' message for a bad option value in our words: "--model needs a value", "--json takes no value". */
function optionValueMessage(message: string): string {
  const option = /^Option '(.*?)(?: <value>)?' /.exec(message)?.[1];
  if (option === undefined) return message.split('\n')[0]!;
  return /does not take an argument/.test(message) ? `${option} takes no value` : `${option} needs a value (${option} <value>)`;
}

/**
 * The one usage line printed under a usage error: the line of `help`'s "Usage:" block that names
 * `command` (else its first), as `usage: onnx-mobilenet classify <file|dir|glob>... [options]
 * (onnx-mobilenet classify --help for all options)`.
 */
export function usageLine(help: string, command: string): string {
  const block = help
    .split('\n\n')[0]!
    .split('\n')
    .map((l) => l.replace(/^(Usage:)?\s*/, ''));
  const line = block.find((l) => l.startsWith(`onnx-mobilenet ${command} `)) ?? block[0]!;
  // the pointer to a sub-help the block may carry is replaced by the one to this command's help
  return `usage: ${line.replace(/\s+\(.*\)$/, '')}  (onnx-mobilenet ${command} --help for all options)`;
}

/** The option a command line names that `options` lacks, as typed (`--modle`), and the known option it is closest to. */
function unknownOption(
  argv: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
): { option: string; suggestion: string | undefined } | undefined {
  const { tokens } = parseArgs({ args: [...argv], allowPositionals: true, strict: false, tokens: true, options });
  const longNames = Object.keys(options);
  for (const token of tokens) {
    if (token.kind !== 'option' || Object.hasOwn(options, token.name)) continue;
    const typed = argv[token.index] ?? token.rawName;
    // `-model` is read as the short options -m -o -d ...: the long one was meant
    const word = typed.replace(/^-+/, '').split('=')[0]!;
    const close = token.rawName.startsWith('--') || word.length > 1 ? didYouMean(word, longNames) : undefined;
    return { option: token.rawName.startsWith('--') ? token.rawName : typed.split('=')[0]!, suggestion: close && `--${close}` };
  }
  return undefined;
}

/**
 * Parses a command's arguments with node:util `parseArgs` (positionals allowed) and turns what it
 * throws into a {@link UsageError} in our words: an unknown option with the known one it is
 * closest to ("Did you mean '--model'?"), a missing value by parseArgs' first line (never its
 * advice about `--`).
 */
export function parseCommandLine<const O extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: O,
  help: string,
): ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>> {
  try {
    checkOptionLengths(argv, options);
    return parseArgs({ args: [...argv], allowPositionals: true, options });
  } catch (err) {
    const code = String((err as NodeJS.ErrnoException).code);
    if (err instanceof UsageError) throw new UsageError(err.message, help);
    // anything but parseArgs' own refusals is a bug, not a usage error
    if (!code.startsWith('ERR_PARSE_ARGS_')) throw err;
    const unknown = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? unknownOption(argv, options) : undefined;
    if (unknown) throw new UsageError(`unknown option '${quote(unknown.option)}'.${unknown.suggestion ? ` Did you mean '${unknown.suggestion}'?` : ''}`, help);
    const message = String((err as Error).message);
    throw new UsageError(code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ? optionValueMessage(message) : message.split('\n')[0]!, help);
  }
}

/** An integer option from `min` (1 unless given) to `max`, or undefined when absent; anything else is a {@link UsageError}. */
export function intOption(name: string, value: string | undefined, max = Infinity, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(
      `--${name} must be ${max === Infinity && min === 1 ? 'a positive integer' : `an integer from ${min} to ${max}`}, got "${quote(value)}"`,
    );
  return n;
}

/**
 * An option whose values are listed in a constant tuple (`RESIZE_MODES`, `PRUNE_PLATFORMS`): one
 * of them, or undefined when absent; anything else is a {@link UsageError} listing them, as the
 * help does ({@link orList}).
 */
export function choiceOption<T extends string>(name: string, value: string | undefined, allowed: readonly T[], help?: string): T | undefined {
  if (value !== undefined && !allowed.includes(value as T)) throw new UsageError(`--${name} must be ${orList(allowed)}, got "${quote(value)}"`, help);
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

/** The environment variable `--mirror` defaults to. */
const MIRROR_VARIABLE = 'ONNX_MOBILENET_MIRROR';

/**
 * `--mirror` and `--cache-dir`, else `ONNX_MOBILENET_MIRROR` and `ONNX_MOBILENET_CACHE` (empty
 * means unset); `--allow-private-network` as `allowPrivateNetwork`.
 */
export function downloadOptions(
  values: { mirror?: string | undefined; 'cache-dir'?: string | undefined; 'allow-private-network'?: boolean | undefined },
  env: NodeJS.ProcessEnv,
): { mirror?: string | undefined; cacheDir?: string | undefined; allowPrivateNetwork?: boolean | undefined } {
  return {
    mirror: values.mirror ?? envVariable(env, MIRROR_VARIABLE),
    cacheDir: values['cache-dir'] ?? envVariable(env, CACHE_VARIABLE),
    ...(values['allow-private-network'] ? { allowPrivateNetwork: true } : {}),
  };
}

/** Where a command line takes the model and labels from: --model, --labels and the mirror (flag or environment). */
export interface Sources {
  model?: string | undefined;
  labels?: string | undefined;
  mirror?: string | undefined;
}

/**
 * What a failed download tells a command line user to do offline: the flags of the files it left
 * to the model zoo (`--labels` alone when the model is local). None with a mirror (the failing
 * server is the user's own) or a URL of the user's (which may be what failed).
 */
export function offlineHint(sources: Sources): string | undefined {
  if (sources.mirror || [sources.model, sources.labels].some((v) => v !== undefined && /^https?:/i.test(v))) return undefined;
  const flags: [string, string][] = [];
  if (sources.model === undefined || Object.hasOwn(MODELS, sources.model)) flags.push(['--model <file.onnx>', '--model ./mobilenetv2-12-int8.onnx']);
  if (sources.labels === undefined) flags.push(['--labels <synset.txt>', '--labels ./synset.txt']);
  if (flags.length === 0) return undefined;
  const files = flags.length > 1 ? 'local files' : 'a local file';
  return `Offline? Pass ${files}: ${flags.map((f) => f[0]).join(' ')} (e.g. ${flags.map((f) => f[1]).join(' ')}), or --mirror <url> for your own copy of the zoo.`;
}

/**
 * A failure as one line: `E_CODE: message` for the library's errors, the message otherwise (raw:
 * pass it through `terminalText` to print it). A refusal naming the library option
 * `allowPrivateNetwork` names the flag that sets it too. Given the command line's `sources`, a
 * failed download's offline advice names its flags ({@link offlineHint}) in place of the library's.
 */
export function describeFailure(err: unknown, sources?: Sources): string {
  let message = ((err as Error)?.message ?? String(err)).replace('allowPrivateNetwork: true', 'allowPrivateNetwork: true (--allow-private-network)');
  if (sources && isOnnxMobilenetError(err) && err.code === 'E_DOWNLOAD') {
    const hint = offlineHint(sources);
    message = message.replace(` ${UNREACHABLE_HINT}`, hint ? ` ${hint}` : '');
  }
  return `${isOnnxMobilenetError(err) ? `${err.code}: ` : ''}${message}`;
}

/** {@link describeFailure} escaped for a terminal, as the one line printed on stderr. */
export function failureLine(err: unknown, sources?: Sources): string {
  return terminalText(describeFailure(err, sources));
}
