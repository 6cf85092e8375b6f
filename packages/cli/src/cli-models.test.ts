// `onnx-mobilenet models` against the registry constant, with a temporary cache: a model copied
// where a download would put it shows as cached, and classify then runs from it with no network.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULTS, IMAGENET_LABELS, MODELS } from '@onnx-mobilenet/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photo } from '../../../test/assets.js';
import { runCli } from './cli-main.js';

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, false, env);
  return { code, out, err };
}

let cache: string;
beforeAll(() => {
  cache = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-models-'));
});
afterAll(() => rmSync(cache, { recursive: true, force: true }));

// Where a download puts a registry model, written out here: <cache>/models/<sha256>-<file name>.
const cachedFile = (name: keyof typeof MODELS) => join(cache, 'models', `${MODELS[name]!.sha256}-${name}.onnx`);
const cachedLabels = () => join(cache, 'labels', `${IMAGENET_LABELS.sha256}-synset.txt`);
const LABELS_NO = 'labels: the ImageNet class list (synset.txt) is not cached: classify downloads it once, or pass --labels <synset.txt>';

describe('onnx-mobilenet models', () => {
  it('lists every registry model from MODELS, none cached in an empty cache', async () => {
    const { code, out, err } = await cli(['models', '--json', '--cache-dir', cache]);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out.map((l) => JSON.parse(l))).toEqual(
      Object.values(MODELS).map((m) => ({
        name: m.name,
        bytes: m.bytes,
        precision: m.precision,
        top1: m.top1,
        top5: m.top5 ?? null,
        default: m.name === DEFAULTS.model,
        cached: false,
        labelsCached: false,
      })),
    );
  });

  it('prints a table: name, size in MB, precision, published top-1/top-5, cached; and the cache folder', async () => {
    // ONNX_MOBILENET_CACHE is read as classify reads it; a file of the wrong size, or of the right
    // size but the wrong content, is not a cached model
    mkdirSync(join(cache, 'models'), { recursive: true });
    writeFileSync(cachedFile('mobilenetv2-7'), 'partial download');
    writeFileSync(cachedFile('mobilenetv2-10'), Buffer.alloc(MODELS['mobilenetv2-10']!.bytes));
    const { code, out } = await cli(['models'], { ONNX_MOBILENET_CACHE: cache });
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^name +size +precision +top-1 +top-5 +cached$/);
    expect(out.slice(1, -2).map((l) => l.split(/ {2,}/))).toEqual(
      Object.values(MODELS).map((m) => [
        m.name === DEFAULTS.model ? `${m.name} (default)` : m.name,
        `${(m.bytes / 1e6).toFixed(1)} MB`,
        m.precision,
        `${m.top1}%`,
        m.top5 === undefined ? '-' : `${m.top5}%`,
        'no',
      ]),
    );
    expect(out.slice(-2)).toEqual([LABELS_NO, `cache: ${cache}`]);
  });

  it('prints the cache folder resolved', async () => {
    const { out } = await cli(['models', '--cache-dir', 'c1']);
    expect(out.at(-1)).toBe(`cache: ${resolve('c1')}`);
  });

  it('rejects arguments and unknown options as usage errors', async () => {
    expect((await cli(['models', 'extra'])).code).toBe(2);
    expect((await cli(['models', '--cache-dri', cache])).err[0]).toMatch(/^onnx-mobilenet: unknown option '--cache-dri'. Did you mean '--cache-dir'\?\n/);
  });
});

describeWithAssets('onnx-mobilenet models: a cached model', () => {
  it('shows as cached, and classify uses it with no network', async () => {
    mkdirSync(join(cache, 'models'), { recursive: true });
    copyFileSync(INT8_MODEL, cachedFile('mobilenetv2-12-int8'));
    const { out } = await cli(['models', '--json', '--cache-dir', cache]);
    const cached = out.map((l) => JSON.parse(l) as { name: string; cached: boolean }).filter((r) => r.cached);
    expect(cached.map((r) => r.name)).toEqual(['mobilenetv2-12-int8']);
    // the labels are not cached: the table says so under the models
    expect((await cli(['models', '--cache-dir', cache])).out.at(-2)).toBe(LABELS_NO);
    // the mirror is a closed port: the model can only come from the cache
    const tench = photo(0);
    const run = await cli(
      ['classify', tench.path, '--model', 'mobilenetv2-12-int8', '--labels', SYNSET, '--json', '--top', '1', '--workers', '1', '--cache-dir', cache],
      { ONNX_MOBILENET_MIRROR: 'http://127.0.0.1:1/zoo' },
    );
    expect(run.err).toEqual([]);
    expect(JSON.parse(run.out[0]!).predictions[0].id).toBe(tench.wnid);
  });

  it('cached labels are reported, and classify then needs neither --labels nor the network', async () => {
    mkdirSync(join(cache, 'labels'), { recursive: true });
    copyFileSync(SYNSET, cachedLabels());
    const { out } = await cli(['models', '--cache-dir', cache]);
    expect(out.at(-2)).toBe('labels: the ImageNet class list (synset.txt) is cached');
    const json = (await cli(['models', '--json', '--cache-dir', cache])).out.map((l) => JSON.parse(l) as { labelsCached: boolean });
    expect(json.every((r) => r.labelsCached)).toBe(true);
    const tench = photo(0);
    const run = await cli(['classify', tench.path, '--model', 'mobilenetv2-12-int8', '--json', '--top', '1', '--workers', '1', '--cache-dir', cache], {
      ONNX_MOBILENET_MIRROR: 'http://127.0.0.1:1/zoo',
    });
    expect(run.err).toEqual([]);
    expect(JSON.parse(run.out[0]!).predictions[0].id).toBe(tench.wnid);
  });
});
