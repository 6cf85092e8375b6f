// JPEG scan counts (issue 20, item 9): a progressive JPEG's decoder goes over the whole image once
// per scan, so a 1 MB file of 10000×10000 pixels and 2,647 scans took sharp 80-115 s. Files beyond
// limits.maxJpegScans are refused from their bytes; real photos, baseline or progressive from any
// encoder here, stay far below it. (The 10000×10000 cases, with RSS and the decode deadline, run in
// memory-bounds.test.ts.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULTS } from '@onnx-mobilenet/core';
import { assertJpegScans, countJpegScans } from '@onnx-mobilenet/core/adapter';
import { createClassifier, type NodeClassifier } from '@onnx-mobilenet/node';
import { progressiveJpeg } from '../hostile-jpeg.js';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';

describeWithAssets('JPEG scan limit', () => {
  let classifier: NodeClassifier;
  let dir: string;
  beforeAll(async () => {
    classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET, embeddings: false });
    dir = mkdtempSync(join(tmpdir(), 'om-scans-'));
  });
  afterAll(async () => {
    await classifier.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts the scans the file holds', () => {
    for (const scans of [1, 2, 10, 101, 2647]) expect(countJpegScans(progressiveJpeg(64, 48, scans), 10_000), `${scans} scans`).toBe(scans);
    // counting stops one past the bound
    expect(countJpegScans(progressiveJpeg(64, 48, 2647), 100)).toBe(101);
  });

  it('leaves real photos far below the limit, baseline or progressive from libjpeg-turbo and mozjpeg', async () => {
    const all = photos();
    expect(all.length).toBeGreaterThan(0);
    const counts = new Set<number>();
    for (const p of all) {
      const bytes = readFileSync(p.path);
      counts.add(countJpegScans(bytes, DEFAULTS.limits.maxJpegScans));
      expect(() => assertJpegScans(bytes, p.name, DEFAULTS.limits)).not.toThrow();
    }
    for (const p of all.slice(0, 5)) {
      for (const options of [{ progressive: true }, { progressive: true, mozjpeg: true }, { progressive: true, chromaSubsampling: '4:4:4' }]) {
        const bytes = await sharp(p.path).jpeg(options).toBuffer();
        counts.add(countJpegScans(bytes, DEFAULTS.limits.maxJpegScans));
      }
    }
    // measured: 1 (the photos as they are), 10 (libjpeg-turbo progressive), 5-8 (mozjpeg)
    expect(Math.max(...counts)).toBeLessThanOrEqual(12);
    expect(Math.max(...counts)).toBeGreaterThan(1);
  });

  it('refuses a JPEG of more scans than limits.maxJpegScans, as bytes and as a path, before decoding', async () => {
    const hostile = progressiveJpeg(64, 48, DEFAULTS.limits.maxJpegScans + 1);
    const path = join(dir, 'scans.jpg');
    writeFileSync(path, hostile);
    for (const input of [hostile, path]) {
      await expect(classifier.classify(input)).rejects.toMatchObject({
        name: 'OnnxMobilenetError',
        code: 'E_LIMIT',
        message: expect.stringContaining('is a JPEG of more than 100 scans, over limits.maxJpegScans (100)'),
      });
    }
    // valid as it is: with the limit raised it decodes (a uniform mid-grey image)
    const wide = await createClassifier({ model: INT8_MODEL, labels: SYNSET, embeddings: false, limits: { maxJpegScans: 200 } });
    await expect(wide.classify(hostile)).resolves.toHaveLength(5);
    await wide.dispose();
    // the same pixels in 100 scans decode under the default
    await expect(classifier.classify(progressiveJpeg(64, 48, 100))).resolves.toHaveLength(5);
  });

  it('counts in one bounded pass: 64 MiB of markers and fill bytes', () => {
    const junk = new Uint8Array(64 * 2 ** 20).fill(0xff);
    junk.set([0xff, 0xd8, 0xff], 0);
    expect(countJpegScans(junk, 100)).toBe(0);
    // every other byte an SOS marker with an empty segment: stopped one past the bound
    const sos = new Uint8Array(8 * 2 ** 20);
    for (let i = 2; i + 4 < sos.length; i += 4) sos.set([0xff, 0xda, 0x00, 0x02], i);
    sos.set([0xff, 0xd8], 0);
    expect(countJpegScans(sos, 100)).toBe(101);
  });
});
