// onnxruntime-node's telemetry (Microsoft's 1DS client, in libonnxruntime.so since 1.29) and the
// long command lines it crashed on. On the first session it wrote $TMPDIR/mat-debug-<pid>.log,
// stored a device id under ~/.cache/Microsoft, and matched /proc/self/cmdline against regular
// expressions that recurse once per character: past about 29 KB of command line, SIGSEGV.
// The Node adapter sets ORT_DISABLE_TELEMETRY=1 unless the environment already sets it.
// Children run the built packages (dist/), as applications do; HOME and TMPDIR are theirs.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photo, photos } from '../assets.js';
import { assertFreshDist } from '../fresh-dist.js';
import { REPO_ROOT } from '../assets-dir.mjs';
import { photoLinks, runNode, topOneIds } from './argv/run-node.js';

const CHILD = new URL('./argv/classify-one.mjs', import.meta.url).pathname;
const CLI = join(REPO_ROOT, 'packages/cli/dist/cli.js');
const linux = process.platform === 'linux';

const run = (args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) => runNode(args, { env, timeoutMs });

/** `n` arguments of 32 bytes each, like photo paths. */
const padding = (n: number) => Array.from({ length: n }, (_, i) => `/photos/2026/12/img_${String(i).padStart(8, '0')}.jpg`);

describeWithAssets('onnxruntime telemetry and long command lines', () => {
  let home: string;
  const env = () => ({ HOME: home, TMPDIR: home, MODEL: INT8_MODEL, LABELS: SYNSET, PHOTO: photo(0).path });
  beforeAll(() => {
    assertFreshDist('node', 'cli');
    home = mkdtempSync(join(tmpdir(), 'om-argv-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  /** What the telemetry leaves in the child's TMPDIR and HOME. */
  const traces = () => [
    ...readdirSync(home).filter((f) => f.startsWith('mat-debug-')),
    ...(existsSync(join(home, '.cache/Microsoft')) ? ['.cache/Microsoft'] : []),
  ];

  it.skipIf(!linux)(
    'a classifier leaves no telemetry log or device id behind; ORT_DISABLE_TELEMETRY=0 still turns it on',
    async () => {
      const off = await run([CHILD], env(), 120_000);
      expect(off.signal).toBeNull();
      expect(JSON.parse(off.stdout)).toMatchObject({ id: 'n01440764' });
      expect(traces()).toEqual([]);

      // the user's own choice wins, and the check above can see what the telemetry leaves
      // (without CI: onnxruntime's telemetry stays off where CI is set, as it is in CI runs)
      const on = await run([CHILD], { ...env(), ORT_DISABLE_TELEMETRY: '0', CI: undefined }, 120_000);
      const { pid } = JSON.parse(on.stdout);
      expect(traces()).toEqual([`mat-debug-${pid}.log`, '.cache/Microsoft']);
      expect(existsSync(join(home, '.cache/Microsoft/DeveloperTools/.onnxruntime'))).toBe(true);
      rmSync(join(home, '.cache/Microsoft'), { recursive: true });
      rmSync(join(home, `mat-debug-${pid}.log`));
    },
    300_000,
  );

  it.each([3_000, 20_000])(
    'a Node app with %i arguments on its command line loads and classifies',
    async (n) => {
      const r = await run([CHILD, ...padding(n)], env(), 120_000);
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ id: 'n01440764' });
    },
    300_000,
  );

  describe('the command line interface', () => {
    let dir: string;
    /** Top-1 of each labelled photo, computed in this process: what every link to it must get. */
    let expected: Map<string, string>;
    beforeAll(async () => {
      dir = join(home, 'photos');
      mkdirSync(dir);
      expected = await topOneIds(photos().map((p) => p.path));
    }, 300_000);

    it('the CLI classifies 3,000 photos named on its command line (about 110 KB)', async () => {
      const made = photoLinks(dir, 'a', 3_000);
      const r = await run([CLI, 'classify', '--model', INT8_MODEL, '--labels', SYNSET, '--top', '1', '--json', ...made.keys()], env(), 900_000);
      expect(r.signal).toBeNull();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(3_000);
      for (const line of lines) expect(line.predictions[0].id, line.file).toBe(expected.get(made.get(line.file)!));
    }, 1_000_000);

    it('the CLI with 20,000 paths and two workers: each photo classified, each missing file E_NOT_FOUND', async () => {
      const made = photoLinks(dir, 'b', 106);
      const missing = padding(20_000 - made.size).map((p) => join(dir, 'missing', p));
      const r = await run(
        [CLI, 'classify', '--model', INT8_MODEL, '--labels', SYNSET, '--top', '1', '--json', '--workers', '2', ...made.keys(), ...missing],
        env(),
        900_000,
      );
      expect(r.signal).toBeNull();
      expect(r.status).toBe(1);
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(20_000);
      const classified = lines.filter((l) => l.predictions);
      expect(classified).toHaveLength(made.size);
      for (const line of classified) expect(line.predictions[0].id, line.file).toBe(expected.get(made.get(line.file)!));
      expect(new Set(lines.filter((l) => l.error).map((l) => l.error.code))).toEqual(new Set(['E_NOT_FOUND']));
      expect(traces()).toEqual([]);
    }, 1_000_000);
  });
});
