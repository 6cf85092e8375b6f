// Prototype pollution elsewhere in an app must not reach the library's options: with
// Object.prototype.model, .limits, .sessionOptions (or their nested keys) set, a real classifier
// behaves exactly as without them: same predictions, same limits, no file opened or written.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, isOnnxMobilenetError } from '@onnx-mobilenet/node';
import { resolveCacheDir } from '@onnx-mobilenet/node/adapter';
import { downloadOptions } from '../../packages/cli/src/cli-args.js';
import { runCli } from '../../packages/cli/src/cli-main.js';
import { INT8_MODEL, SYNSET, describeWithAssets, photo } from '../assets.js';
import { describePollution, type Pollution, withPollution } from '../pollution.js';
import { pngClaiming } from './fuzz-inputs.js';

/** A settled promise as data: its value, or the typed error's code and message (an untyped one says so). */
async function settle<T>(p: Promise<T>): Promise<{ value: T } | { error: string }> {
  try {
    return { value: await p };
  } catch (err) {
    return { error: isOnnxMobilenetError(err) ? `${err.code}: ${err.message}` : `untyped ${String(err)}` };
  }
}

describeWithAssets('prototype pollution', () => {
  // Where the polluted session options would make onnxruntime write (it must stay empty)
  const dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-pollution-'));
  const written = join(dir, 'written');
  let mirror: string;
  beforeAll(() => {
    // A model-zoo mirror on disk holding only the ImageNet labels (a link to the test assets), so
    // that the default labels load offline; the default model is absent from it.
    mkdirSync(join(dir, 'zoo'));
    symlinkSync(SYNSET, join(dir, 'zoo', 'synset.txt'));
    mirror = pathToFileURL(join(dir, 'zoo')).href;
    mkdirSync(written);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A file written by one case must not fail the next ones too
  afterEach(() => {
    for (const f of readdirSync(written)) rmSync(join(written, f), { recursive: true, force: true });
  });

  /** Everything observable of a classifier made with the model given and every other option left out. */
  async function outcome() {
    const tench = photo(0).path;
    const made = await settle(createClassifier({ model: INT8_MODEL, mirror }));
    if ('error' in made) return { made: made.error, files: readdirSync(written) };
    const c = made.value;
    try {
      return {
        model: { ...c.model, classes: c.model.classes },
        preprocess: c.preprocessOptions,
        classify: await settle(c.classify(tench)),
        infer: await settle(c.infer(tench).then((r) => ({ predictions: r.predictions, embedding: Array.from(r.embedding.subarray(0, 8)) }))),
        // 20000 × 20000 is over the default maxInputPixels (1e8): refused from the header
        huge: await settle(c.classify(pngClaiming(20_000, 20_000))),
        files: readdirSync(written),
      };
    } finally {
      await c.dispose();
    }
  }

  const at = (name: string) => join(written, name);
  const cases: Pollution[][] = [
    [{ on: 'Object', key: 'labels', value: '/etc/passwd' }],
    [{ on: 'Object', key: 'limits', value: { maxInputPixels: 1e12 } }],
    [{ on: 'Object', key: 'maxInputPixels', value: 1e12 }],
    [{ on: 'Object', key: 'sessionOptions', value: { optimizedModelFilePath: at('a.onnx') } }],
    [{ on: 'Object', key: 'optimizedModelFilePath', value: at('b.onnx') }],
    [
      { on: 'Object', key: 'enableProfiling', value: true },
      { on: 'Object', key: 'profileFilePrefix', value: at('profile') },
    ],
    [{ on: 'Object', key: 'preprocess', value: { mode: 'squash' } }],
    [{ on: 'Object', key: 'mode', value: 'squash' }],
    [{ on: 'Object', key: 'topK', value: 1 }],
    [{ on: 'Object', key: 'threshold', value: 0.99 }],
    [{ on: 'Object', key: 'allow', value: [999] }],
    [{ on: 'Object', key: 'embeddings', value: false }],
    [{ on: 'Object', key: 'precision', value: 'fp32' }],
    [{ on: 'Object', key: 'sha256', value: '0'.repeat(64) }],
    [{ on: 'Object', key: 'executionProviders', value: ['no-such-provider'] }],
    [
      {
        on: 'Object',
        key: 'limits',
        get: () => {
          throw new Error('a polluted getter');
        },
      },
    ],
  ];

  let baseline: Awaited<ReturnType<typeof outcome>>;
  beforeAll(async () => {
    baseline = await outcome();
    expect(baseline).toMatchObject({ huge: { error: expect.stringMatching(/^E_LIMIT/) }, files: [] });
    expect(baseline.classify).toMatchObject({ value: expect.arrayContaining([expect.objectContaining({ index: 0, id: photo(0).wnid })]) });
    expect('value' in baseline.classify! && baseline.classify.value[0]!.id).toBe(photo(0).wnid);
  });

  for (const pollutions of cases) {
    it(`behaves as without ${pollutions.map(describePollution).join(', ')}`, async () => {
      const polluted = await withPollution(pollutions, outcome);
      expect(polluted).toEqual(baseline);
      expect(readdirSync(written)).toEqual([]);
    });
  }

  it('loads the default model from where the options say, not from Object.prototype.model', async () => {
    // The default model (mobilenetv2-7) is not in the mirror: the same typed error either way.
    const load = async () => {
      const made = await settle(createClassifier({ mirror, labels: SYNSET }));
      if ('value' in made) await made.value.dispose();
      return made;
    };
    const unpolluted = await load();
    expect(unpolluted).toMatchObject({ error: expect.stringMatching(/^E_NOT_FOUND: .*mobilenetv2-7\.onnx/) });
    expect(await withPollution([{ on: 'Object', key: 'model', value: '/etc/passwd' }], load)).toEqual(unpolluted);
  });
});

describe('environment variables set on Object.prototype', () => {
  // process.env and a plain env object both inherit from Object.prototype: only own variables count
  it('leave the cache folder, the mirror and `models` as they were', async () => {
    const read = async (env: NodeJS.ProcessEnv) => {
      const out: string[] = [];
      await runCli(['models'], { stdout: (l) => out.push(l), stderr: (l) => out.push(l) }, false, env);
      return { cache: out.at(-1), dir: resolveCacheDir(undefined, env), download: downloadOptions({}, env) };
    };
    for (const env of [{}, process.env]) {
      const clean = await read(env);
      for (const key of ['ONNX_MOBILENET_CACHE', 'XDG_CACHE_HOME', 'LOCALAPPDATA', 'ONNX_MOBILENET_MIRROR'])
        expect(await withPollution([{ on: 'Object', key, value: '/polluted' }], () => read(env)), key).toEqual(clean);
    }
  });
});
