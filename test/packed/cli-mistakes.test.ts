// The CLI's messages for common mistakes as a user meets them: the bin of an app installed from
// the packed tarballs, run in an empty folder outside the workspace, offline (a mirror nothing
// listens on, an empty cache). Each message names the fix; following it classifies the tench.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS } from '@onnx-mobilenet/core';
import { expect, inject, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { consumerEnv, run } from './consumer-project.js';
import { closedPort } from '../serve-files.js';

describeWithAssets('onnx-mobilenet mistakes from the packed tarballs', () => {
  it('says what was meant, in two lines or one, and the advice works', async () => {
    const bin = join(inject('npmApp'), 'node_modules', '.bin', 'onnx-mobilenet');
    const dir = mkdtempSync(join(inject('packedRoot'), 'mistakes-'));
    const tench = photos().find((p) => p.wnid === 'n01440764')!.path;
    copyFileSync(tench, join(dir, 'photo.jpg'));
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    const env = consumerEnv({ ONNX_MOBILENET_MIRROR: `http://127.0.0.1:${await closedPort()}/zoo`, ONNX_MOBILENET_CACHE: cache });
    const cli = (...args: string[]) => {
      const r = run(dir, bin, args, env);
      return { status: r.status, stdout: r.stdout, stderr: r.stderr.trimEnd().split('\n') };
    };
    const classifyUsage = 'usage: onnx-mobilenet classify <file|dir|glob>... [options]  (onnx-mobilenet classify --help for all options)';

    expect(cli('classify', 'photo.jpg', '--modle', 'x.onnx')).toEqual({
      status: 2,
      stdout: '',
      stderr: ["onnx-mobilenet: unknown option '--modle'. Did you mean '--model'?", classifyUsage],
    });
    const command = cli('clasify', 'photo.jpg');
    expect({ status: command.status, first: command.stderr[0], lines: command.stderr.length }).toEqual({
      status: 2,
      first: "onnx-mobilenet: unknown command 'clasify'. Did you mean 'classify'?",
      lines: 2,
    });
    expect(cli('classify', 'photo.jpg', '--top', 'abc').stderr).toEqual(['onnx-mobilenet: --top must be a positive integer, got "abc"', classifyUsage]);
    expect(cli('classify')).toMatchObject({ status: 2, stderr: ['onnx-mobilenet: classify needs at least one file, directory or glob', classifyUsage] });

    const names = Object.keys(MODELS).join(', ');
    expect(cli('classify', 'photo.jpg', '--model', 'mobilenetv2-12-int9')).toEqual({
      status: 1,
      stdout: '',
      stderr: [
        `onnx-mobilenet: E_NOT_FOUND: model file not found: ${join(dir, 'mobilenetv2-12-int9')}; "mobilenetv2-12-int9" is not a registry name either. Did you mean "mobilenetv2-12-int8"? Registry names: ${names}`,
      ],
    });

    // The mirror nothing listens on is the user's own server: the failure names it and gives no
    // offline advice (the advice for the unreachable zoo is asserted by cli-offline-hint.test.ts).
    const offline = cli('classify', 'photo.jpg', '--allow-private-network');
    expect(offline.status).toBe(1);
    expect(offline.stderr.at(-1)).toMatch(
      /^onnx-mobilenet: E_DOWNLOAD: could not fetch model http:\/\/127\.0\.0\.1:\d+\/zoo\/.*mobilenetv2-7\.onnx: connect ECONNREFUSED [^ ]+\.$/,
    );
    // offline, local files: no network
    copyFileSync(INT8_MODEL, join(dir, 'mobilenetv2-12-int8.onnx'));
    copyFileSync(SYNSET, join(dir, 'synset.txt'));
    const ok = cli('classify', 'photo.jpg', '--model', './mobilenetv2-12-int8.onnx', '--labels', './synset.txt', '--json', '--top', '1');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).predictions[0]).toMatchObject({ id: 'n01440764', label: expect.stringMatching(/^tench/) });

    const listed = cli('models', '--json');
    expect(listed.status).toBe(0);
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).name),
    ).toEqual(Object.keys(MODELS));
  });
});
