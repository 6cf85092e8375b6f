import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-main.js';
import { INT8_MODEL, SYNSET, describeWithAssets, photo, photos } from '../../../test/assets.js';
import { serveFiles, type FileServer } from '../../../test/serve-files.js';

interface Captured {
  code: number;
  out: string[];
  err: string[];
}

async function cli(args: string[], opts: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, opts.tty ?? false, opts.env ?? {});
  return { code, out, err };
}

const ERASE = '\r\x1b[K';

describe('onnx-mobilenet --version', () => {
  it('prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) expect(await cli([flag])).toEqual({ code: 0, out: [version], err: [] });
  });
});

describeWithAssets('onnx-mobilenet classify progress and download options', () => {
  let dir: string;
  let cacheDir: string;
  let server: FileServer;
  const modelArgs = ['--model', INT8_MODEL, '--labels', SYNSET];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-cli-opts-'));
    cacheDir = join(dir, 'cache');
    for (const p of photos().slice(0, 3)) copyFileSync(p.path, join(dir, p.path.split('/').pop()!));
    server = await serveFiles({
      '/zoo/mobilenet/model/mobilenetv2-12-int8.onnx': { file: readFileSync(INT8_MODEL) },
      '/zoo/synset.txt': { file: readFileSync(SYNSET), type: 'text/plain' },
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws a progress bar on a terminal stderr, erased before every table line and at the end', async () => {
    const { code, out, err } = await cli(['classify', dir, ...modelArgs, '--top', '1'], { tty: true });
    expect(code).toBe(0);
    expect(out).toHaveLength(3);
    const frames = err.filter((e) => e.startsWith(ERASE) && e.length > ERASE.length);
    // count/total (the walk of 3 files is done before the first result), rate and ETA
    expect(frames.map((f) => f.slice(ERASE.length).replace(/\[[#.]+\]/, '[]'))).toEqual(
      [1, 2, 3].map((n) => expect.stringMatching(new RegExp(`^classify \\[\\] ${n}/3  \\d+\\.\\d/s  ETA \\d+:\\d\\d$`))),
    );
    expect(frames[2]).toContain(`[${'#'.repeat(30)}]`);
    expect(err.at(-2)).toBe(ERASE); // the bar is erased, then the summary ends the run
    expect(err.at(-1)).toMatch(/^classified 3 photos in \d+\.\d s \(\d+\.\d photos\/s\); 0 errors$/);
  });

  it('draws no bar when stderr is piped or with --json (a terminal still gets the summary)', async () => {
    expect((await cli(['classify', dir, ...modelArgs, '--top', '1'], { tty: false })).err).toEqual([]);
    const json = await cli(['classify', dir, ...modelArgs, '--json'], { tty: true });
    expect(json.code).toBe(0);
    expect(json.err).toEqual([expect.stringMatching(/^classified 3 photos in .*; 0 errors$/)]);
    expect(json.out.map((l) => JSON.parse(l).file)).toHaveLength(3);
  });

  it('--mirror and --cache-dir download a registry model into that cache, announcing each download on stderr', async () => {
    const mirror = server.url('/zoo');
    // a mirror on 127.0.0.1 is refused without --allow-private-network, the flag named
    const refused = await cli(['classify', photo(0).path, '--model', 'mobilenetv2-12-int8', '--mirror', mirror, '--cache-dir', cacheDir, '--json']);
    expect(refused.code).not.toBe(0);
    expect(refused.err.join('\n')).toMatch(/E_FORBIDDEN: .*127\.0\.0\.1, a loopback address.*--allow-private-network/);
    expect(server.hits.size).toBe(0);
    const { code, out, err } = await cli([
      'classify',
      photo(0).path,
      '--model',
      'mobilenetv2-12-int8',
      '--mirror',
      mirror,
      '--cache-dir',
      cacheDir,
      '--allow-private-network',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(out[0]!).predictions[0].id).toBe(photo(0).wnid);
    const mb = `${(readFileSync(INT8_MODEL).byteLength / 1e6).toFixed(1)} MB`;
    const kb = `${Math.ceil(readFileSync(SYNSET).byteLength / 1e3)} kB`;
    // the model and the labels download at once: each announces its start before its end
    const model = [`downloading ${mirror}/mobilenet/model/mobilenetv2-12-int8.onnx (${mb})`, `downloaded mobilenetv2-12-int8.onnx (${mb})`];
    const labels = [`downloading ${mirror}/synset.txt (${kb})`, `downloaded synset.txt (${kb})`];
    expect([...err].sort()).toEqual([...model, ...labels].sort());
    expect(err.indexOf(model[0]!)).toBeLessThan(err.indexOf(model[1]!));
    expect(err.indexOf(labels[0]!)).toBeLessThan(err.indexOf(labels[1]!));
    expect(readdirSync(join(cacheDir, 'models'))).toEqual([expect.stringMatching(/-mobilenetv2-12-int8\.onnx$/)]);
    // cached now: a second run downloads nothing
    const hits = server.hits.get('/zoo/mobilenet/model/mobilenetv2-12-int8.onnx');
    expect(
      (
        await cli([
          'classify',
          photo(0).path,
          '--model',
          'mobilenetv2-12-int8',
          '--mirror',
          mirror,
          '--cache-dir',
          cacheDir,
          '--allow-private-network',
          '--json',
        ])
      ).err,
    ).toEqual([]);
    expect(server.hits.get('/zoo/mobilenet/model/mobilenetv2-12-int8.onnx')).toBe(hits);
  });

  it('ONNX_MOBILENET_MIRROR and ONNX_MOBILENET_CACHE do the same; a terminal gets one redrawn line per download', async () => {
    const envCache = join(dir, 'env-cache');
    const env = { ONNX_MOBILENET_MIRROR: server.url('/zoo'), ONNX_MOBILENET_CACHE: envCache };
    const { code, err } = await cli(['classify', photo(0).path, '--model', 'mobilenetv2-12-int8', '--allow-private-network', '--json'], { tty: true, env });
    expect(code).toBe(0);
    expect(readdirSync(join(envCache, 'models'))).toHaveLength(1);
    const modelFrames = err.filter((e) => e.startsWith(`${ERASE}downloading mobilenetv2-12-int8.onnx`));
    expect(modelFrames.length).toBeGreaterThan(0);
    expect(modelFrames.at(-1)).toMatch(/ 100%$/);
    expect(err[err.indexOf(modelFrames.at(-1)!) + 1]).toBe('\n'); // the finished line stays
    // every line is a redrawn download line, then the run's summary ends stderr
    expect(err.at(-1)).toMatch(/^classified 1 photo in .*; 0 errors$/);
    expect(err.slice(0, -1).every((e) => e.startsWith(ERASE) || e === '\n')).toBe(true);
  });
});
