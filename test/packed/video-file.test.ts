// examples/video-file as a user runs it: the script and its package.json copied into a fresh npm
// project outside the workspace (@onnx-mobilenet/node from the packed tarballs), run on a clip made
// with ffmpeg from two photos, 3 s each: every frame's label, in order, switching at the cut.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, inject, it } from 'vitest';
import { parseLabels } from '@onnx-mobilenet/core';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { REPO_ROOT } from '../assets-dir.mjs';
import { expectCut, makeClip, skipWithoutFfmpeg } from '../video-clip.js';
import { consumerEnv, exampleManifest, run, runOk } from './consumer-project.js';

const EXAMPLE = join(REPO_ROOT, 'examples/video-file');
const FPS = 4;

describeWithAssets('examples/video-file from the packed packages', () => {
  let app: string;
  let clip: string;
  beforeAll(() => {
    if (skipWithoutFfmpeg) return;
    app = mkdtempSync(join(inject('packedRoot'), 'video-file-'));
    cpSync(join(EXAMPLE, 'label-video.mjs'), join(app, 'label-video.mjs'));
    writeFileSync(join(app, 'package.json'), exampleManifest(EXAMPLE, inject('tarballs')));
    runOk(app, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
    clip = makeClip(
      app,
      ['tench', 'zebra'].map((name) => photos().find((p) => p.name === name)!.path),
      3,
    );
  }, 600_000);

  it.skipIf(skipWithoutFfmpeg)("prints the frames' labels in order, the tench's until 3 s and the zebra's from there", () => {
    const env = consumerEnv();
    delete env.ONNX_MOBILENET_ASSETS; // the model by flag, as a user outside this repository gives it
    const r = run(app, process.execPath, ['label-video.mjs', clip, '--fps', String(FPS), '--model', INT8_MODEL, '--labels', SYNSET], env);
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(rows).toHaveLength(6 * FPS);
    const labelOf = new Map(parseLabels(readFileSync(SYNSET, 'utf8')).map((l) => [l.id, l.label]));
    expectCut(
      rows.map(([t]) => Math.round(Number.parseFloat(t!) * 1000)),
      rows.map(([, label]) => label),
      { first: labelOf.get('n01440764')!, second: labelOf.get('n02391049')!, cutMs: 3000, periodMs: 1000 / FPS },
    );
    console.log(`examples/video-file (packed): ${r.stderr.trim().split('\n').at(-1)}`);
  });

  it.skipIf(skipWithoutFfmpeg)('says how to get ffmpeg when it is not there (E_RUNTIME, exit 1)', () => {
    const r = run(app, process.execPath, ['label-video.mjs', clip, '--ffmpeg', join(app, 'no-ffmpeg'), '--model', INT8_MODEL, '--labels', SYNSET]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^E_RUNTIME: cannot run ffmpeg .*Fix: install ffmpeg \(Debian\/Ubuntu: apt-get install ffmpeg;/m);
  });
});
