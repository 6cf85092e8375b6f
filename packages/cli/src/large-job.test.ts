import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../../../test/assets.js';
import { assertFreshDist } from '../../../test/fresh-dist.js';

// These tests run the built bin (dist/cli.js) as a child process, to kill it for real.
// dist/ is built by `pnpm install` and in CI; without it they skip locally and fail in CI.
const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/cli.js');
const WALK_GATE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test/walk-gate.mjs');
const skipBin = !existsSync(bin) && process.env.CI !== 'true';
const why = skipBin ? ' [skipped: dist/cli.js missing, run pnpm build]' : '';
// --batch 1 --threads 1: results arrive one by one, so the run can be stopped part way.
const modelArgs = ['--model', INT8_MODEL, '--labels', SYNSET, '--top', '1', '--batch', '1', '--threads', '1'];
// Enough photos (about half a second of work) that the kill lands part way even on a busy machine.
const COPIES = 100;

interface Row {
  file: string;
  predictions?: { id: string }[];
  error?: { code: string };
}
const rows = (path: string): Row[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Row);
const lineCount = (path: string): number => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 1 : 0);

const stderrOf = new WeakMap<ChildProcess, string>();
/**
 * Starts the bin; resolves once `path` holds at least `lines` complete lines (polling), with the
 * child. `gate`: runs it through test/walk-gate.mjs, which holds the walk after that many entries.
 */
function startUntilLines(args: string[], path: string, lines: number, gate?: { after: number; report: string }): Promise<ChildProcess> {
  const runner = gate ? [WALK_GATE] : [];
  const env = gate ? { ...process.env, WALK_GATE_AFTER: String(gate.after), WALK_GATE_OUTPUT: path, WALK_GATE_REPORT: gate.report } : process.env;
  const child = spawn(process.execPath, [...runner, bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => stderrOf.set(child, (stderrOf.get(child) ?? '') + d)); // drained, or the child blocks
  return new Promise((resolvePromise, reject) => {
    const timer = setInterval(() => {
      if (lineCount(path) >= lines) {
        clearInterval(timer);
        resolvePromise(child);
      }
    }, 5);
    child.on('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`the CLI ended (${code}) before writing ${lines} lines`));
    });
  });
}
const exited = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));

/** What test/walk-gate.mjs saw: whether a result line opened the held walk, or its liveness bound did. */
interface GateReport {
  released: 'result' | 'timeout';
  entriesRead: number;
  linesAtRelease: number;
}
/** The gate's report, once written (polling; the gate writes it as it opens). */
async function gateReport(path: string): Promise<GateReport> {
  while (!existsSync(path)) await new Promise((r) => setTimeout(r, 10));
  return JSON.parse(readFileSync(path, 'utf8')) as GateReport;
}

describeWithAssets('onnx-mobilenet classify: large jobs (the bin as a child process)', () => {
  let dir: string;
  let folder: string;
  let clean: Map<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-large-'));
    folder = join(dir, 'photos');
    mkdirSync(folder);
    const all = photos();
    for (let i = 0; i < COPIES; i++) copyFileSync(all[i % all.length]!.path, join(folder, `${String(i).padStart(3, '0')}-${all[i % all.length]!.wnid}.jpg`));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(() => {
    if (!skipBin) assertFreshDist('cli');
  });

  it.skipIf(skipBin)(`classifies a folder into --output as JSON lines, with a summary on stderr${why}`, () => {
    const out = join(dir, 'clean.jsonl');
    const r = spawnSync(process.execPath, [bin, 'classify', folder, ...modelArgs, '--json', '-o', out], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^classified ${COPIES} photos in \\d+\\.\\d s \\(\\d+\\.\\d photos/s\\); 0 errors\\n$`));
    const got = rows(out);
    expect(got).toHaveLength(COPIES);
    clean = new Map(got.map((row) => [row.file, row.predictions![0]!.id]));
    expect(clean.size).toBe(COPIES);
    // the copies' names carry their true class: the int8 model gets most of them right
    const right = [...clean].filter(([file, id]) => file.includes(id)).length;
    expect(right).toBeGreaterThanOrEqual(COPIES * 0.7);
  });

  it.skipIf(skipBin)(`--resume after kill -9 and a half-written line: every photo exactly once, as in a clean run${why}`, async () => {
    expect(clean?.size).toBe(COPIES); // set by the previous test
    const out = join(dir, 'resumed.jsonl');
    const child = await startUntilLines(['classify', folder, ...modelArgs, '--json', '-o', out], out, 5);
    child.kill('SIGKILL');
    expect((await exited(child)).signal).toBe('SIGKILL');
    const before = rows(out).length;
    expect(before).toBeGreaterThanOrEqual(5);
    expect(before).toBeLessThan(COPIES);
    // A crash in the middle of a write: half of a line for a photo not yet done.
    const pending = [...clean.keys()].find((f) => !rows(out).some((row) => row.file === f))!;
    appendFileSync(out, JSON.stringify({ file: pending, predictions: [{ id: 'n0' }] }).slice(0, 30));
    const r = spawnSync(process.execPath, [bin, 'classify', folder, ...modelArgs, '--json', '-o', out, '--resume'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`classified ${COPIES - before} photos`);
    expect(r.stderr).toContain(`${before} skipped (already in the output)`);
    const after = rows(out); // every line parses: the half line was cut, not kept
    expect(after).toHaveLength(COPIES);
    expect(new Set(after.map((row) => row.file)).size).toBe(COPIES);
    expect(new Map(after.map((row) => [row.file, row.predictions![0]!.id]))).toEqual(clean);
  });

  it.skipIf(skipBin)(`--workers 2 (piscina worker threads) gives the same top-1 as one process; a bad model fails once${why}`, () => {
    expect(clean?.size).toBe(COPIES);
    const out = join(dir, 'workers.jsonl');
    const r = spawnSync(process.execPath, [bin, 'classify', folder, ...modelArgs, '--json', '-o', out, '--workers', '2'], { encoding: 'utf8' });
    expect(r.stderr).toMatch(new RegExp(`^classified ${COPIES} photos in .*; 0 errors\\n$`));
    expect(r.status).toBe(0);
    expect(new Map(rows(out).map((row) => [row.file, row.predictions![0]!.id]))).toEqual(clean);
    const bad = spawnSync(process.execPath, [bin, 'classify', folder, '--model', join(dir, 'none.onnx'), '--labels', SYNSET, '--workers', '2'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^onnx-mobilenet: E_NOT_FOUND: .*none\.onnx/);
  });

  it.skipIf(skipBin)(`SIGTERM stops cleanly: exit 143, every line complete, a summary${why}`, async () => {
    const out = join(dir, 'terminated.jsonl');
    const child = await startUntilLines(['classify', folder, ...modelArgs, '--json', '-o', out], out, 3);
    child.kill('SIGTERM');
    expect(await exited(child)).toEqual({ code: 143, signal: null });
    const stderr = stderrOf.get(child) ?? '';
    expect(stderr).not.toContain('Warning');
    const text = readFileSync(out, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const got = rows(out);
    expect(got.length).toBeGreaterThanOrEqual(3);
    expect(got.every((row) => clean.get(row.file) === row.predictions?.[0]?.id)).toBe(true);
    expect(stderr).toMatch(new RegExp(`stopped by SIGTERM: classified ${got.length} photos? in `));
  });

  // Piscina ends a worker thread to abort its task, and a thread ended inside onnxruntime-node's
  // native work aborted the whole process (exit 134, "terminate called after throwing an instance
  // of 'Napi::Error'") in 4 of 10 runs before the pool let running tasks finish: five runs in a row.
  it.skipIf(skipBin)(`SIGTERM with --workers 2 stops cleanly too, run after run: exit 143, no native abort${why}`, async () => {
    for (let run = 0; run < 5; run++) {
      const out = join(dir, `terminated-workers-${run}.jsonl`);
      const child = await startUntilLines(['classify', folder, ...modelArgs, '--json', '-o', out, '--workers', '2'], out, 1);
      child.kill('SIGTERM');
      const end = await exited(child);
      const stderr = stderrOf.get(child) ?? '';
      expect({ run, end, napi: stderr.includes('Napi') }).toEqual({ run, end: { code: 143, signal: null }, napi: false });
      expect(readFileSync(out, 'utf8').endsWith('\n')).toBe(true);
      expect(stderr).toMatch(/stopped by SIGTERM: classified \d+ photos? in /);
    }
  });

  // Streaming, told from listing first without timing: test/walk-gate.mjs holds the walk after
  // HELD of the MANY entries until the first result line is in the output. A CLI that listed the
  // folder before classifying would wait there for ever (until the gate's liveness bound), and so
  // would one whose classifyAll waited for a full window (2 inputs or more) before handing out a result.
  const MANY = 20_000; // 150,000 empty files take ~15 s to create on the 2-core CI machine
  const HELD = 1;
  it.skipIf(skipBin || process.platform !== 'linux')(
    `streams a folder of ${MANY.toLocaleString('en')} files: the first result comes while the walk is held after ${HELD} entry, bounded RSS${why}`,
    async () => {
      const many = join(dir, 'many');
      mkdirSync(many);
      for (let i = 0; i < MANY; i++) closeSync(openSync(join(many, `${String(i).padStart(6, '0')}.jpg`), 'w'));
      const out = join(dir, 'many.jsonl');
      const report = join(dir, 'many-gate.json');
      const child = await startUntilLines(['classify', many, ...modelArgs, '--json', '-o', out], out, 1, { after: HELD, report });
      let peakMB = 0;
      const sample = setInterval(() => {
        const m = /VmRSS:\s+(\d+) kB/.exec(existsSync(`/proc/${child.pid}/status`) ? readFileSync(`/proc/${child.pid}/status`, 'utf8') : '');
        if (m) peakMB = Math.max(peakMB, Number(m[1]) / 1024);
      }, 20);
      const gate = await gateReport(report);
      await new Promise((r) => setTimeout(r, 500)); // RSS samples past the walk's hold
      child.kill('SIGTERM');
      const { code } = await exited(child);
      clearInterval(sample);
      // the first result was written while the walk had read HELD of the MANY entries, not all
      expect(gate).toEqual({ released: 'result', entriesRead: HELD, linesAtRelease: expect.any(Number) });
      expect(gate.linesAtRelease).toBeGreaterThanOrEqual(1);
      expect(code).toBe(143);
      const got = rows(out);
      expect(got.length).toBeGreaterThanOrEqual(1);
      expect(got.every((row) => row.error?.code === 'E_IMAGE_DECODE' || row.error?.code === 'E_INPUT')).toBe(true);
      expect(peakMB).toBeLessThan(400);
    },
    90_000,
  );

  it.skipIf(skipBin)(
    `--workers 2 streams too: its first result comes while the walk is held, and the run completes${why}`,
    async () => {
      expect(clean?.size).toBe(COPIES); // set by the first test
      const out = join(dir, 'workers-gated.jsonl');
      const report = join(dir, 'workers-gate.json');
      // the 100 photos of `folder`: the walk is held after the first, short of the pool's window (2 workers x --batch 1)
      const child = await startUntilLines(['classify', folder, ...modelArgs, '--json', '-o', out, '--workers', '2'], out, 1, { after: HELD, report });
      const ended = exited(child);
      expect(await gateReport(report)).toMatchObject({ released: 'result', entriesRead: HELD });
      expect(await ended).toEqual({ code: 0, signal: null });
      expect(new Map(rows(out).map((row) => [row.file, row.predictions![0]!.id]))).toEqual(clean);
    },
    90_000,
  );
});
