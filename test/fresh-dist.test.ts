// The guard of the suites that run dist/ (test/fresh-dist.ts), on a made-up workspace whose file
// times are set by hand: fresh, a source changed after the build, a dependency's, a missing entry.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distProblemIn } from './fresh-dist.js';

describe('assertFreshDist', () => {
  let root: string;
  /** Writes `path` under the workspace with its time `t` seconds after an arbitrary epoch. */
  const file = (path: string, t: number, text = '') => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    utimesSync(full, 1_700_000_000 + t, 1_700_000_000 + t);
  };
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'fresh-dist-'));
    const exports = { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './sub/*': './dist/sub/*.js' };
    file('packages/lib/package.json', 0, JSON.stringify({ name: '@x/lib', exports }));
    file(
      'packages/app/package.json',
      0,
      JSON.stringify({ name: '@x/app', exports, bin: { app: './dist/cli.js' }, dependencies: { '@x/lib': 'workspace:*', other: '^1' } }),
    );
    for (const pkg of ['lib', 'app']) {
      file(`packages/${pkg}/src/index.ts`, 10);
      file(`packages/${pkg}/src/index.test.ts`, 10);
      file(`packages/${pkg}/dist/index.js`, 20);
      file(`packages/${pkg}/dist/index.d.ts`, 21);
    }
    file('packages/app/dist/cli.js', 19); // the oldest entry: the build is as old as it
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('passes a build newer than every source of the package and of its workspace dependencies', () => {
    expect(distProblemIn(root, ['app'])).toBe('');
  });

  it('ignores tests: they are not built', () => {
    file('packages/app/src/index.test.ts', 30);
    expect(distProblemIn(root, ['app'])).toBe('');
  });

  it('names the source changed after the build, and the build it is newer than', () => {
    file('packages/app/src/index.ts', 30);
    expect(distProblemIn(root, ['app'])).toBe(
      'packages/app/dist is older than its src (packages/app/src/index.ts changed after packages/app/dist/cli.js was built): run pnpm build',
    );
    file('packages/app/src/index.ts', 10);
  });

  it("finds a dependency's stale build through the package that runs it", () => {
    file('packages/lib/src/deep/util.ts', 25);
    expect(distProblemIn(root, ['app'])).toBe(
      'packages/lib/dist is older than its src (packages/lib/src/deep/util.ts changed after packages/lib/dist/index.js was built): run pnpm build',
    );
    file('packages/lib/src/deep/util.ts', 10);
    expect(distProblemIn(root, ['app'])).toBe('');
  });

  it('reports an entry file that was never built', () => {
    rmSync(join(root, 'packages/app/dist/cli.js'));
    expect(distProblemIn(root, ['app'])).toBe('packages/app/dist is not built (packages/app/dist/cli.js missing): run pnpm build');
  });
});
