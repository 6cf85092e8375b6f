// bench/charts.mjs --keep-if-incomplete (how pnpm bench:node calls it) keeps the committed charts
// only when a bench result is missing or partial; any other error (a bug in the renderer, a cold
// start part the code does not know) fails the step with exit code 1.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { benchResults, snapshot, spoilResult } from './performance-results.js';

const script = fileURLToPath(new URL('../bench/charts.mjs', import.meta.url));
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs bench/charts.mjs on the results in `dir`; its exit code and output. */
async function charts(dir: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, '--results', dir, '--out', join(dir, 'out'), ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

/** The fixture's results with charts already drawn from them in `out`. */
async function drawn() {
  const dir = mkdtempSync(join(tmpdir(), 'performance-charts-cli-'));
  temps.push(dir);
  benchResults(dir);
  expect((await charts(dir)).code).toBe(0);
  spoilResult(dir, 'node-latest.json', (j) => (j.date = '2026-01-03T00:00:00.000Z'));
  return { dir, before: snapshot(join(dir, 'out')) };
}

describe('bench/charts.mjs --keep-if-incomplete', () => {
  it('keeps the drawn charts, with a warning, when a result is partial', { timeout: 60_000 }, async () => {
    const { dir, before } = await drawn();
    spoilResult(dir, 'decode-latest.json', (j) => delete j.pillow.pillow);
    const run = await charts(dir, '--keep-if-incomplete');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/performance charts: not redrawn, the committed ones are kept: .*decode-latest\.json has no text at pillow\.pillow/);
    expect(snapshot(join(dir, 'out'))).toEqual(before);
    // without the flag the same is a failure
    expect((await charts(dir)).code).toBe(1);
  });

  it('fails (exit 1) on any other error, even with the flag', { timeout: 60_000 }, async () => {
    const { dir, before } = await drawn();
    // a cold start part the charts' code has no group for: the code is behind the bench, not the results
    spoilResult(dir, 'cold-start-latest.json', (j) => (j.models.int8.stages.parts[0].name = 'a new part'));
    const run = await charts(dir, '--keep-if-incomplete');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cold start part "a new part" has no group in COLD_START_PARTS/);
    expect(run.stderr).not.toContain('not redrawn');
    expect(snapshot(join(dir, 'out'))).toEqual(before);
  });
});
