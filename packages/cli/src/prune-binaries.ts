import { lstatSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { OnnxMobilenetError } from '@onnx-mobilenet/node';
import { checkChoice, clipText } from '@onnx-mobilenet/core/adapter';

/** The platforms, architectures and C libraries a prune may target (those the native packages ship for). */
export const PRUNE_PLATFORMS = ['linux', 'darwin', 'win32'] as const;
export const PRUNE_ARCHES = ['x64', 'arm64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64'] as const;
export const PRUNE_LIBCS = ['glibc', 'musl'] as const;

/** Where a deployment runs: what {@link pruneBinaries} keeps. */
export interface PruneTarget {
  platform: (typeof PRUNE_PLATFORMS)[number];
  arch: (typeof PRUNE_ARCHES)[number];
  /** Linux only: sharp ships separate builds for glibc and musl (Alpine). Default: glibc, or this machine's when it is the target. */
  libc?: (typeof PRUNE_LIBCS)[number] | undefined;
}

/** Options of {@link pruneBinaries}. */
export interface PruneOptions {
  /** Default: this machine's. */
  platform?: PruneTarget['platform'] | undefined;
  /** Default: this machine's. */
  arch?: PruneTarget['arch'] | undefined;
  libc?: PruneTarget['libc'];
  /** List what would be removed, remove nothing. */
  dryRun?: boolean | undefined;
}

/** One folder of native binaries for another platform. */
export interface PrunedFolder {
  /** Path relative to the node_modules folder given. */
  path: string;
  /** Which package it belongs to (`onnxruntime-node`, `@img/sharp-darwin-arm64`, ...). */
  package: string;
  bytes: number;
}

/** What {@link pruneBinaries} did (or, with `dryRun`, would do). */
export interface PruneResult {
  target: Required<PruneTarget>;
  removed: PrunedFolder[];
  /** Sum of `removed`'s bytes. */
  bytes: number;
  /**
   * Packages that have no binaries for the target, left as they were: the deployment will fail to
   * load them. For sharp, the entry names the exact packages to install.
   */
  missing: string[];
  dryRun: boolean;
}

// onnxruntime-node: bin/napi-v<N>/<platform>/<arch>/ (no musl build: its linux folders need glibc).
const ORT_PACKAGE = 'onnxruntime-node';
// sharp's per-platform packages: @img/sharp-<os>-<arch> and @img/sharp-libvips-<os>-<arch> (plus
// the -dev headers and the wasm32 build); <os> is darwin, linux, linuxmusl or win32.
const IMG_SCOPE = '@img';
const IMG_BINARY = /^sharp-(?:libvips-(?:dev-)?)?(?:(darwin|linux|linuxmusl|win32)-([a-z0-9]+)|wasm32)$/;

function thisLibc(): (typeof PRUNE_LIBCS)[number] {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

function checkTarget(options: PruneOptions): Required<PruneTarget> {
  const platform = options.platform ?? (process.platform as PruneTarget['platform']);
  const arch = options.arch ?? (process.arch as PruneTarget['arch']);
  checkChoice('platform', platform, PRUNE_PLATFORMS);
  checkChoice('arch', arch, PRUNE_ARCHES);
  checkChoice('libc', options.libc, PRUNE_LIBCS);
  const here = platform === process.platform && process.platform === 'linux';
  return { platform, arch, libc: options.libc ?? (here ? thisLibc() : 'glibc') };
}

/** Real directories only: a symbolic link is never entered, so nothing outside the folder is reached. */
function dirs(path: string): Dirent[] {
  try {
    if (!lstatSync(path).isDirectory()) return [];
    return readdirSync(path, { withFileTypes: true }).filter((e) => e.isDirectory());
  } catch {
    return [];
  }
}

function packageJson(dir: string): { name?: unknown; optionalDependencies?: Record<string, unknown> } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

function packageName(dir: string): unknown {
  return packageJson(dir)?.name;
}

/** Bytes of the files under `dir`, links not followed. */
function folderBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) total += folderBytes(path);
    else total += lstatSync(path).size;
  }
  return total;
}

/**
 * Every package folder under a node_modules folder, at any depth: top-level and scoped packages,
 * nested node_modules (npm), and pnpm's `.pnpm/<id>/node_modules` store. Links are skipped (pnpm's
 * links point into `.pnpm`, which is walked itself).
 */
function* packageDirs(nodeModules: string): Generator<{ dir: string; scope: string | undefined; name: string }> {
  for (const e of dirs(nodeModules)) {
    const path = join(nodeModules, e.name);
    if (e.name === '.pnpm') {
      for (const id of dirs(path)) yield* packageDirs(join(path, id.name, 'node_modules'));
    } else if (e.name.startsWith('@')) {
      for (const p of dirs(path)) {
        yield { dir: join(path, p.name), scope: e.name, name: p.name };
        yield* packageDirs(join(path, p.name, 'node_modules'));
      }
    } else if (!e.name.startsWith('.')) {
      yield { dir: path, scope: undefined, name: e.name };
      yield* packageDirs(join(path, 'node_modules'));
    }
  }
}

/**
 * Removes the native binaries of other platforms from a node_modules folder: onnxruntime-node's
 * `bin/napi-v*` folders of other OSes and architectures (255 MB of its 301 MB for a Linux x64 target)
 * and sharp's `@img/sharp-*` packages for other targets. What a serverless function, a container
 * image or a trace for another machine needs, before zipping or copying node_modules.
 *
 * Only those folders are deleted, only inside `nodeModules` (symbolic links are never followed,
 * so a linked workspace package or a link leading out is left alone), and a package with no
 * binaries for the target is left whole and reported in `missing`. `dryRun` lists, deletes nothing.
 * The target defaults to this machine.
 *
 * @example
 * ```ts
 * import { pruneBinaries } from '@onnx-mobilenet/cli';
 * const { removed, bytes } = pruneBinaries('dist/stage/node_modules', { platform: 'linux', arch: 'x64' });
 * ```
 */
export function pruneBinaries(nodeModules: string, options: PruneOptions = {}): PruneResult {
  const target = checkTarget(options);
  let root: string;
  try {
    root = realpathSync(nodeModules);
  } catch {
    throw new OnnxMobilenetError('E_NOT_FOUND', `no node_modules folder at ${clipText(nodeModules)}: give the node_modules folder to prune`);
  }
  if (!statSync(root).isDirectory()) throw new OnnxMobilenetError('E_INPUT', `${clipText(nodeModules)} is not a folder: give the node_modules folder to prune`);
  const dryRun = options.dryRun === true;
  const removed: PrunedFolder[] = [];
  const missing: string[] = [];
  const imgTag = `${target.platform === 'linux' && target.libc === 'musl' ? 'linuxmusl' : target.platform}-${target.arch}`;
  const remove = (dir: string, pkg: string) => removed.push({ path: relative(root, dir) || '.', package: pkg, bytes: folderBytes(dir) });
  // sharp's builds are separate packages (pnpm keeps each in its own store folder): the others are
  // removed only when the target's own build is there, else all are left and the target reported
  const imgOthers: { dir: string; name: string }[] = [];
  let imgTarget = false;
  // the exact versions of the target's build that each sharp found asks for, to name in `missing`
  const wanted = new Set<string>();

  for (const { dir, scope, name } of packageDirs(root)) {
    if (scope === undefined && name === ORT_PACKAGE && packageName(dir) === ORT_PACKAGE) {
      for (const napi of dirs(join(dir, 'bin')).filter((d) => /^napi-v\d+$/.test(d.name))) {
        const base = join(dir, 'bin', napi.name);
        const arches = dirs(join(base, target.platform));
        if (!arches.some((a) => a.name === target.arch)) {
          missing.push(`${relative(root, dir)} (no ${napi.name}/${target.platform}/${target.arch})`);
          continue;
        }
        for (const p of dirs(base)) if (p.name !== target.platform) remove(join(base, p.name), ORT_PACKAGE);
        for (const a of arches) if (a.name !== target.arch) remove(join(base, target.platform, a.name), ORT_PACKAGE);
      }
      if (target.platform === 'linux' && target.libc === 'musl')
        missing.push(`${relative(root, dir)} (onnxruntime-node has no musl build: its linux binaries need glibc, e.g. a Debian-based image)`);
    } else if (scope === undefined && name === 'sharp') {
      const manifest = packageJson(dir);
      const optional = manifest?.name === 'sharp' ? manifest.optionalDependencies : undefined;
      for (const build of [`sharp-${imgTag}`, `sharp-libvips-${imgTag}`]) {
        const version = optional?.[`${IMG_SCOPE}/${build}`];
        if (typeof version === 'string') wanted.add(`${IMG_SCOPE}/${build}@${version}`);
      }
    } else if (scope === IMG_SCOPE) {
      const m = IMG_BINARY.exec(name);
      if (!m || packageName(dir) !== `${IMG_SCOPE}/${name}`) continue;
      if (m[1] !== undefined && `${m[1]}-${m[2]}` === imgTag) imgTarget = true;
      else imgOthers.push({ dir, name });
    }
  }
  if (imgTarget) for (const o of imgOthers) remove(o.dir, `${IMG_SCOPE}/${o.name}`);
  else if (imgOthers.length || wanted.size)
    // beside the others, with no platform switch: `npm install --cpu=…` would swap every native
    // package of the project (esbuild's too) for the target's
    missing.push(
      `${IMG_SCOPE}/sharp-${imgTag} (sharp's build for the target is not installed: ${
        wanted.size ? `npm install --no-save --force ${[...wanted].join(' ')}` : `install @img/sharp-${imgTag}`
      }, or install on a ${imgTag} machine)`,
    );
  for (const f of removed) {
    const abs = join(root, f.path);
    // every folder walked was a real directory under root, so the path resolves to itself
    if (!abs.startsWith(root + sep) || realpathSync(abs) !== abs)
      throw new OnnxMobilenetError('E_FORBIDDEN', `refusing to remove ${abs}: not a real folder inside ${root} (a link or a folder replaced while pruning)`);
    if (!dryRun) rmSync(abs, { recursive: true });
  }
  return { target, removed, bytes: removed.reduce((n, f) => n + f.bytes, 0), missing, dryRun };
}
