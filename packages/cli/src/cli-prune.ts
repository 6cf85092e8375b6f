import { orList } from '@onnx-mobilenet/core/adapter';
import { choiceOption, failureLine, parseCommandLine, UsageError, type CliIO } from './cli-args.js';
import { terminalText } from './terminal-text.js';
import { PRUNE_ARCHES, PRUNE_LIBCS, PRUNE_PLATFORMS, type PruneOptions, pruneBinaries } from './prune-binaries.js';

/** Help of `onnx-mobilenet prune-binaries`. */
export const PRUNE_HELP = `Usage: onnx-mobilenet prune-binaries <node_modules> [--platform <os>] [--arch <cpu>] [--libc <libc>] [--dry-run]

Removes other platforms' native binaries from a node_modules folder before it is zipped or copied
(AWS Lambda, Vercel functions, container images): onnxruntime-node's bin/napi-v*/<os>/<cpu> folders
and sharp's @img/sharp-* packages that do not match the target. Nothing else is touched, nothing
outside the folder (links are not followed); a package without the target's binaries is left whole
and named, and the command exits 1.

Options:
  --platform <os>   ${orList(PRUNE_PLATFORMS)} (default: this machine's, ${process.platform})
  --arch <cpu>      ${orList(PRUNE_ARCHES)} (default: this machine's, ${process.arch})
  --libc <libc>     Linux: ${orList(PRUNE_LIBCS)} (Alpine is musl; default glibc, or this machine's)
  --dry-run         list what would be removed, remove nothing
  -h, --help        this help

Example (AWS Lambda x86_64): onnx-mobilenet prune-binaries dist/stage/node_modules --platform linux --arch x64`;

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** `onnx-mobilenet prune-binaries`: returns the exit code, throws {@link UsageError}s. */
export function runPrune(argv: readonly string[], io: CliIO): number {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      platform: { type: 'string' },
      arch: { type: 'string' },
      libc: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    PRUNE_HELP,
  );
  if (values.help) {
    io.stdout(PRUNE_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('prune-binaries takes one node_modules folder', PRUNE_HELP);
  const options: PruneOptions = {
    platform: choiceOption('platform', values.platform, PRUNE_PLATFORMS, PRUNE_HELP),
    arch: choiceOption('arch', values.arch, PRUNE_ARCHES, PRUNE_HELP),
    libc: choiceOption('libc', values.libc, PRUNE_LIBCS, PRUNE_HELP),
    dryRun: values['dry-run'],
  };
  let result: ReturnType<typeof pruneBinaries>;
  try {
    result = pruneBinaries(positionals[0] as string, options);
  } catch (err) {
    io.stderr(`onnx-mobilenet: ${failureLine(err)}`);
    return 1;
  }
  const { target, removed, bytes, missing, dryRun } = result;
  for (const f of removed) io.stdout(`${dryRun ? 'would remove' : 'removed'} ${terminalText(f.path)} (${mb(f.bytes)})`);
  const tag = `${target.platform}-${target.arch}${target.platform === 'linux' ? ` (${target.libc})` : ''}`;
  io.stdout(`${dryRun ? 'would free' : 'freed'} ${mb(bytes)} in ${removed.length} folders; kept ${tag}`);
  for (const m of missing) io.stderr(`onnx-mobilenet: no binaries for ${tag}: ${terminalText(m)}`);
  return missing.length ? 1 : 0;
}
