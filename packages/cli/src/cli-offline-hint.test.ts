// The offline hint under a failed download names only the flags that would help: the registry
// downloads the command line left to the zoo (no --mirror), never a user's own URL or mirror.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxMobilenetError } from '@onnx-mobilenet/node';
import { UNREACHABLE_HINT } from '@onnx-mobilenet/node/adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/serve-files.js';
import { describeFailure } from './cli-args.js';
import { runCli } from './cli-main.js';

// a download as the Node adapter fails it when the server cannot be reached
const unreachable = (what: string, url: string) =>
  new OnnxMobilenetError('E_DOWNLOAD', `could not fetch ${what} ${url}: connect ECONNREFUSED. ${UNREACHABLE_HINT}`);
const ZOO_MODEL = unreachable('model', 'https://github.com/onnx/models/raw/main/validated/vision/classification/mobilenet/model/mobilenetv2-7.onnx');
const MIRROR = ' or --mirror <url> for your own copy of the zoo.';

describe('describeFailure: the offline hint for the command line sources', () => {
  it.each([
    [{}, `Offline? Pass local files: --model <file.onnx> --labels <synset.txt> (e.g. --model ./mobilenetv2-12-int8.onnx --labels ./synset.txt),${MIRROR}`],
    [
      { model: 'mobilenetv2-12-int8' },
      `Offline? Pass local files: --model <file.onnx> --labels <synset.txt> (e.g. --model ./mobilenetv2-12-int8.onnx --labels ./synset.txt),${MIRROR}`,
    ],
    [{ model: './mine.onnx' }, `Offline? Pass a local file: --labels <synset.txt> (e.g. --labels ./synset.txt),${MIRROR}`],
    [{ labels: './synset.txt' }, `Offline? Pass a local file: --model <file.onnx> (e.g. --model ./mobilenetv2-12-int8.onnx),${MIRROR}`],
  ])('%j: names only the flags that help', (sources, hint) => {
    expect(describeFailure(ZOO_MODEL, sources)).toBe(`E_DOWNLOAD: ${ZOO_MODEL.message.replace(` ${UNREACHABLE_HINT}`, ` ${hint}`)}`);
  });

  it.each([
    [{ mirror: 'https://models.example.com/zoo' }], // the failing server is the user's own mirror
    [{ model: 'https://models.example.com/mine.onnx' }], // the user's own URL (or the labels: cannot tell)
    [{ model: './mine.onnx', labels: './synset.txt' }], // nothing left to download from the zoo
    [{ labels: 'https://models.example.com/synset.txt' }],
  ])('%j: no hint', (sources) => {
    expect(describeFailure(ZOO_MODEL, sources)).toBe(`E_DOWNLOAD: ${ZOO_MODEL.message.replace(` ${UNREACHABLE_HINT}`, '')}`);
  });
});

describe('classify with an unreachable mirror', () => {
  let cache: string;
  beforeAll(() => {
    cache = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-offline-'));
  });
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('names the failing mirror without an offline hint, exit 1', async () => {
    const port = await closedPort();
    const err: string[] = [];
    const code = await runCli(
      ['classify', 'photo.jpg', '--workers', '1', '--allow-private-network', '--cache-dir', cache, '--mirror', `http://127.0.0.1:${port}/zoo`],
      { stdout: () => {}, stderr: (l) => err.push(l) },
      false,
      {},
    );
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(new RegExp(`^onnx-mobilenet: E_DOWNLOAD: could not fetch model http://127\\.0\\.0\\.1:${port}/zoo/mobilenet/model/`));
    expect(err[0]).not.toContain('Offline?');
  });
});
