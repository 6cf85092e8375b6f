// The messages of common mistakes past the argument parser: a model name that is no registry name
// (from the CLI and from the library), and a download that cannot reach its server (offline).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULTS, MODELS, createClassifier } from '@onnx-mobilenet/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-main.js';
import { closedPort } from '../../../test/serve-files.js';

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, false, env);
  return { code, out, err };
}

const NAMES = `Registry names: ${Object.keys(MODELS).join(', ')}`;
let cache: string;
beforeAll(() => {
  cache = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-mistakes-'));
});
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('a model name that is no registry name', () => {
  it('classify --model mobilenetv2-12-int9: E_NOT_FOUND with the closest name and the list, exit 1', async () => {
    const { code, out, err } = await cli(['classify', 'photo.jpg', '--model', 'mobilenetv2-12-int9', '--workers', '1']);
    expect({ code, out }).toEqual({ code: 1, out: [] });
    expect(err).toEqual([
      `onnx-mobilenet: E_NOT_FOUND: model file not found: ${resolve('mobilenetv2-12-int9')}; "mobilenetv2-12-int9" is not a registry name either. Did you mean "mobilenetv2-12-int8"? ${NAMES}`,
    ]);
  });

  it('createClassifier({ model }) says the same to library users', async () => {
    await expect(createClassifier({ model: 'mobilenetv2-12-int9' })).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: expect.stringContaining(`"mobilenetv2-12-int9" is not a registry name either. Did you mean "mobilenetv2-12-int8"? ${NAMES}`),
    });
    // name-like but close to none: the list without a guess
    await expect(createClassifier({ model: 'resnet50' })).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: `model file not found: ${resolve('resnet50')}; "resnet50" is not a registry name either. ${NAMES}`,
    });
  });

  it('a missing path stays a plain E_NOT_FOUND', async () => {
    await expect(createClassifier({ model: './models/mine.onnx' })).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: `model file not found: ${resolve('models/mine.onnx')}`,
    });
    // a path near a registry name gets no guess; one whose file is a registry name gets only that
    for (const model of ['/a/mobilenetv2-12-fp32', './mobilenetv2-7x'])
      await expect(createClassifier({ model })).rejects.toMatchObject({ message: `model file not found: ${resolve(model)}` });
    await expect(createClassifier({ model: '/a/mobilenetv2-7' })).rejects.toMatchObject({
      message: `model file not found: ${resolve('/a/mobilenetv2-7')}; the registry model "mobilenetv2-7" is named without a folder or .onnx`,
    });
  });

  it('the name is escaped on the terminal', async () => {
    const { err } = await cli(['classify', 'photo.jpg', '--model', 'mobilenetv2-12-int\x1b', '--workers', '1']);
    expect(err[0]).toContain('"mobilenetv2-12-int\\x1b" is not a registry name either. Did you mean "mobilenetv2-12-int8"?');
    expect(err[0]).not.toContain('\x1b');
  });
});

describe('the default model cannot be downloaded from the mirror of ONNX_MOBILENET_MIRROR', () => {
  it("names the failing mirror URL, without an offline hint (the server is the user's own), exit 1", async () => {
    const port = await closedPort();
    const { code, out, err } = await cli(['classify', 'photo.jpg', '--workers', '1', '--allow-private-network', '--cache-dir', cache], {
      ONNX_MOBILENET_MIRROR: `http://127.0.0.1:${port}/zoo`,
    });
    expect({ code, out }).toEqual({ code: 1, out: [] });
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      new RegExp(`^onnx-mobilenet: E_DOWNLOAD: could not fetch model http://127\\.0\\.0\\.1:${port}/zoo/mobilenet/model/${DEFAULTS.model}\\.onnx: `),
    );
    expect(err[0]).not.toContain('Offline?');
  });
});
