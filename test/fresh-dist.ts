// Tests that run the built packages (dist/: the bin as a child process, examples, bundles of the
// built entries, the packed tarballs) call assertFreshDist first. A dist/ older than the sources
// it is built from would let a local run pass on old code; CI builds before testing, and so must a
// developer: the check says which file changed after which build, and `pnpm build`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** A workspace package, by its folder under packages/. */
export type WorkspacePackage = 'core' | 'node' | 'web' | 'wasm' | 'cli' | 'queue' | 'onnx-mobilenet';

interface Stamp {
  path: string;
  mtimeMs: number;
}

const packageJson = (root: string, pkg: string): Record<string, unknown> => JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'));

/** The folder under packages/ of a workspace package name (`@onnx-mobilenet/node` -> `node`). */
function folderOf(root: string, name: string): string | undefined {
  for (const dir of readdirSync(join(root, 'packages'))) {
    if (existsSync(join(root, 'packages', dir, 'package.json')) && packageJson(root, dir).name === name) return dir;
  }
  return undefined;
}

/** `pkgs` and every workspace package they depend on, directly or not: a bin runs their dist/ too. */
function withDependencies(root: string, pkgs: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (pkg: string) => {
    if (seen.has(pkg)) return;
    seen.add(pkg);
    const deps = (packageJson(root, pkg).dependencies ?? {}) as Record<string, string>;
    for (const [name, range] of Object.entries(deps)) {
      const dir = range.startsWith('workspace:') ? folderOf(root, name) : undefined;
      if (dir) visit(dir);
    }
  };
  for (const pkg of pkgs) visit(pkg);
  return [...seen];
}

/** Every file under `dir` whose path `keep` accepts. */
function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile() && keep(f));
}

const stamp = (path: string): Stamp => ({ path, mtimeMs: statSync(path).mtimeMs });
const newest = (stamps: Stamp[]): Stamp | undefined => stamps.reduce<Stamp | undefined>((a, s) => (!a || s.mtimeMs > a.mtimeMs ? s : a), undefined);
const oldest = (stamps: Stamp[]): Stamp | undefined => stamps.reduce<Stamp | undefined>((a, s) => (!a || s.mtimeMs < a.mtimeMs ? s : a), undefined);

/** What a package's build reads: its sources but tests, package.json, its build config and scripts, the shared tsup config. */
function buildInputs(root: string, pkg: string): Stamp[] {
  const dir = join(root, 'packages', pkg);
  const isTest = (f: string) => /\.test(-d)?\.[cm]?[jt]s$/.test(f);
  return [
    ...filesUnder(join(dir, 'src'), (f) => !isTest(f)),
    ...filesUnder(join(dir, 'scripts'), (f) => !isTest(f)),
    ...['package.json', 'tsup.config.ts', 'tsconfig.json'].map((f) => join(dir, f)).filter(existsSync),
    ...['tsup.base.ts', 'tsup.base.js'].map((f) => join(root, f)).filter(existsSync),
  ].map(stamp);
}

/** The files under dist/ that package.json names (exports, main, module, types, bin): what users load. */
function entryFiles(root: string, pkg: string): string[] {
  const found = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.startsWith('./dist/') && !value.includes('*')) found.add(join(root, 'packages', pkg, value));
    } else if (value && typeof value === 'object') for (const v of Object.values(value)) collect(v);
  };
  const json = packageJson(root, pkg);
  for (const field of ['exports', 'main', 'module', 'types', 'bin']) collect(json[field]);
  return [...found];
}

/** {@link distProblem} in the workspace at `root` (its own test makes one up). */
export function distProblemIn(root: string, pkgs: readonly string[]): string {
  const problems: string[] = [];
  for (const pkg of withDependencies(root, pkgs)) {
    const entries = entryFiles(root, pkg);
    const missing = entries.filter((f) => !existsSync(f));
    if (entries.length === 0 || missing.length > 0) {
      problems.push(`packages/${pkg}/dist is not built (${missing.map((f) => relative(root, f)).join(', ') || 'no entry files'} missing)`);
      continue;
    }
    const built = oldest(entries.map(stamp))!;
    const changed = newest(buildInputs(root, pkg));
    if (changed && changed.mtimeMs > built.mtimeMs) {
      problems.push(`packages/${pkg}/dist is older than its src (${relative(root, changed.path)} changed after ${relative(root, built.path)} was built)`);
    }
  }
  return problems.length ? `${problems.join('; ')}: run pnpm build` : '';
}

/**
 * Why the built dist/ of `pkgs` (and of the workspace packages they depend on) cannot be trusted:
 * an entry file missing, or a source changed after the oldest entry was built. '' when fresh.
 */
export function distProblem(...pkgs: WorkspacePackage[]): string {
  return distProblemIn(ROOT, pkgs);
}

/** Throws {@link distProblem}'s message unless the built dist/ of `pkgs` and their dependencies is fresh. */
export function assertFreshDist(...pkgs: WorkspacePackage[]): void {
  const problem = distProblem(...pkgs);
  if (problem) throw new Error(problem);
}

/** When the newest entry file of `pkgs` and their dependencies was built (ms since the epoch): what a build of an app that bundles them must be newer than. */
export function distBuiltAt(...pkgs: WorkspacePackage[]): number {
  const entries = withDependencies(ROOT, pkgs).flatMap((pkg) => entryFiles(ROOT, pkg).filter(existsSync));
  return Math.max(0, ...entries.map((f) => statSync(f).mtimeMs));
}
