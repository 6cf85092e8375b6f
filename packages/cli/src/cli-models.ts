import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DEFAULTS, IMAGENET_LABELS, MODELS, type RegistryLabels, type RegistryModel } from '@onnx-mobilenet/node';
import { registryCachePath, resolveCacheDir } from '@onnx-mobilenet/node/adapter';
import { DOWNLOAD_FLAGS, UsageError, downloadOptions, parseCommandLine, quote, type CliIO } from './cli-args.js';
import { jsonText, terminalText } from './terminal-text.js';

/** `onnx-mobilenet models --help`. */
export const MODELS_HELP = `Usage: onnx-mobilenet models [--json] [--cache-dir <dir>]

Lists the models --model takes by name (the ONNX model zoo's MobileNetV2 files): download size,
weight precision, the zoo's published ImageNet top-1/top-5 accuracy, and whether the file is in the
download cache, whole and verified (sha256). A line under the table says whether the ImageNet class
list (synset.txt, which every registry model needs) is cached too: classify needs no network when
both are, or when the model is cached and --labels names a local file.

Options:
  --json             one JSON object a line: {"name", "bytes", "precision", "top1", "top5", "default", "cached",
                     "labelsCached"}
  --cache-dir <dir>  the cache to look in (default ONNX_MOBILENET_CACHE, else the user cache directory)
  -h, --help         this help`;

/** One registry model as `models` reports it. */
interface ModelRow {
  name: string;
  bytes: number;
  precision: RegistryModel['precision'];
  top1: number;
  top5: number | null;
  default: boolean;
  cached: boolean;
  labelsCached: boolean;
}

/**
 * Whether a registry file is in the cache as a load would accept it: a regular file of its size
 * and sha256. The size is checked first, so no more than the file's pinned bytes (14 MB at most) are read.
 */
function isCached(file: RegistryModel | RegistryLabels, cacheDir: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(registryCachePath(file, cacheDir), 'r');
    const s = fstatSync(fd);
    if (!s.isFile() || s.size !== file.bytes) return false;
    const bytes = Buffer.alloc(file.bytes);
    let read = 0;
    for (let n = -1; n !== 0 && read < bytes.length; read += n) n = readSync(fd, bytes, read, bytes.length - read, read);
    return read === file.bytes && createHash('sha256').update(bytes).digest('hex') === file.sha256.toLowerCase();
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
// as the zoo publishes them (68.3%, 70.94%)
const percent = (value: number | null) => (value === null ? '-' : `${value}%`);

/** `onnx-mobilenet models`: the registry (from MODELS) as a table or JSON lines; returns the exit code. */
export function runModels(argv: readonly string[], io: CliIO, env: NodeJS.ProcessEnv): number {
  const { values, positionals } = parseCommandLine(
    argv,
    { json: { type: 'boolean', default: false }, 'cache-dir': DOWNLOAD_FLAGS['cache-dir'], help: { type: 'boolean', short: 'h', default: false } },
    MODELS_HELP,
  );
  if (values.help) {
    io.stdout(MODELS_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`models takes no arguments, got "${quote(positionals[0]!)}"`, MODELS_HELP);
  const cacheDir = resolve(resolveCacheDir(downloadOptions(values, env).cacheDir, env));
  const labelsCached = isCached(IMAGENET_LABELS, cacheDir);
  const rows: ModelRow[] = Object.values(MODELS).map((m) => ({
    name: m.name,
    bytes: m.bytes,
    precision: m.precision,
    top1: m.top1,
    top5: m.top5 ?? null,
    default: m.name === DEFAULTS.model,
    cached: isCached(m, cacheDir),
    labelsCached,
  }));
  if (values.json) {
    for (const row of rows) io.stdout(jsonText(row));
    return 0;
  }
  const table = [
    ['name', 'size', 'precision', 'top-1', 'top-5', 'cached'],
    ...rows.map((r) => [
      `${r.name}${r.default ? ' (default)' : ''}`,
      megabytes(r.bytes),
      r.precision,
      percent(r.top1),
      percent(r.top5),
      r.cached ? 'yes' : 'no',
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table)
    io.stdout(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  io.stdout(
    labelsCached
      ? 'labels: the ImageNet class list (synset.txt) is cached'
      : 'labels: the ImageNet class list (synset.txt) is not cached: classify downloads it once, or pass --labels <synset.txt>',
  );
  io.stdout(`cache: ${terminalText(cacheDir)}`);
  return 0;
}
