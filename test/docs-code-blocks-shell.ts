// Shell blocks of the docs: the lines that run the onnx-mobilenet CLI are checked against the CLI's
// own help (the commands its usage lines name, the options each command's help lists), and
// `pnpm <script>` lines against the workspace's scripts.
import { runCli } from '../packages/cli/src/cli-main.js';
import { QUEUE_COMMANDS } from '../packages/cli/src/cli-queue.js';

export interface CliSpec {
  /** command → the options its help lists (`--model`, `-o`, …) */
  commands: Map<string, Set<string>>;
}

async function help(argv: string[]): Promise<string> {
  const out: string[] = [];
  await runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => out.push(l) }, false, {});
  return out.join('\n');
}

/** What the CLI itself says it takes: every command named in a usage line, and its options. */
export async function cliSpec(): Promise<CliSpec> {
  const commands = new Map<string, Set<string>>();
  // the usage lines name the commands; the queue's are listed by the CLI's own constant
  const pending = ['classify', ...QUEUE_COMMANDS];
  const top = await help(['--help']);
  for (const [, c = ''] of top.matchAll(/onnx-mobilenet ([a-z][\w-]*)/g)) pending.push(c);
  while (pending.length) {
    const command = pending.pop()!;
    if (commands.has(command)) continue;
    const text = await help([command, '--help']);
    commands.set(command, new Set([...text.matchAll(/(?<![\w-])(--[a-z][\w-]*|-[a-zA-Z])(?![\w-])/g)].map((m) => m[1]!)));
    for (const [, c = ''] of text.matchAll(/onnx-mobilenet ([a-z][\w-]*)/g)) if (!commands.has(c)) pending.push(c);
  }
  return { commands };
}

/** The words of a shell command line, quotes removed (no expansion: the docs need none). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** A shell block as simple commands: continuations joined, comments cut, split at && || ; |. */
export function shellCommands(code: string): string[] {
  const joined = code.replace(/\\\n/g, ' ');
  const out: string[] = [];
  for (const raw of joined.split('\n')) {
    let line = '';
    let quote = '';
    for (let i = 0; i < raw.length; i++) {
      const ch = raw[i]!;
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '#' && (i === 0 || /\s/.test(raw[i - 1]!))) break;
      line += ch;
    }
    out.push(
      ...line
        .split(/&&|\|\||;|\|/)
        .map((s) => s.trim())
        .filter(Boolean),
    );
  }
  return out;
}

/** The CLI's arguments when a command runs the onnx-mobilenet CLI, else undefined. */
export function cliArgs(command: string): string[] | undefined {
  const w = words(command);
  while (w.length && /^[A-Z_][A-Z0-9_]*=/.test(w[0]!)) w.shift(); // VAR=value before the command
  const starts: [string[], string[]][] = [
    [['npx', '--yes', '@onnx-mobilenet/cli'], []],
    [['npx', 'onnx-mobilenet'], []],
    [['onnx-mobilenet'], []],
    [['node', 'packages/cli/dist/cli.js'], []],
    [['pnpm', 'classify'], ['classify']],
  ];
  for (const [prefix, add] of starts) if (prefix.every((p, i) => w[i] === p)) return [...add, ...w.slice(prefix.length)];
  return undefined;
}

/** What is wrong with one CLI invocation (its arguments), by the CLI's own help. */
export function checkCliArgs(args: string[], spec: CliSpec): string[] {
  const first = args[0] ?? '';
  const command = first.startsWith('-') ? 'classify' : first;
  const options = spec.commands.get(command);
  if (!options) return [`unknown command "${first}" (the CLI has ${[...spec.commands.keys()].join(', ')})`];
  return args
    .slice(first.startsWith('-') ? 0 : 1)
    .filter((a) => /^--?[a-zA-Z]/.test(a))
    .map((a) => a.replace(/=.*/, ''))
    .filter((a) => !options.has(a))
    .map((a) => `unknown option ${a} for ${command}`);
}

const PNPM_BUILTINS = new Set(['install', 'i', 'add', 'remove', 'exec', 'dlx', 'approve-builds', 'pack', 'publish', 'update', 'why', 'list']);

/** What is wrong with a `pnpm …` command: the script it runs must be one of the workspace's. */
export function checkPnpm(command: string, scripts: Record<string, string>): string[] {
  const w = words(command);
  if (w[0] !== 'pnpm' || w[1]?.startsWith('-')) return []; // pnpm --filter …: another package's scripts
  const script = w[1] === 'run' ? w[2] : w[1];
  if (!script || PNPM_BUILTINS.has(script) || script in scripts) return [];
  return [`pnpm ${script}: no such script in package.json`];
}
