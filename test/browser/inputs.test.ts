// Inputs in a real browser (headless Chromium), against Node where both decode: transparent PNGs
// keep their stored colours (alpha dropped, as the reference and the Node adapter do), AVIF
// headers are read whatever the major brand, thread counts are bounded by the cores, every
// pixel-holding input is read at call time, and float16 ImageData is converted, not misread.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier } from '@onnx-mobilenet/node';
import { alphaPng } from '../alpha-png.js';
import { INT8_MODEL, SYNSET, photo } from '../assets.js';
import { FIDELITY } from '../floors.js';
import { meanAbsDiff } from '../reference-preprocess.js';
import { buildPage, openHarnessPage } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';

const here = dirname(fileURLToPath(import.meta.url));
const model = '/data/models/mobilenetv2-12-int8.onnx';
const labels = '/data/models/synset.txt';

/** A real AVIF of `size`×`size` (black, a few hundred bytes) whose ftyp major brand is rewritten to `iso8`; `avif` stays a compatible brand. */
async function iso8Avif(size: number): Promise<Buffer> {
  const file = await sharp({ create: { width: size, height: size, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .avif({ effort: 0 })
    .toBuffer();
  if (file.toString('latin1', 4, 12) !== 'ftypavif' || !file.subarray(16, 32).includes('avif')) throw new Error('unexpected ftyp from sharp');
  return Buffer.concat([file.subarray(0, 8), Buffer.from('iso8'), file.subarray(12)]);
}

/** The same file with its `ispe` (image spatial extents) claiming `width`×`height`. */
function claimSize(file: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(file);
  const at = out.indexOf('ispe');
  if (at < 0) throw new Error('no ispe');
  out.writeUInt32BE(width, at + 8);
  out.writeUInt32BE(height, at + 12);
  return out;
}

describeInBrowser('browser inputs in Chromium: alpha, AVIF brands, threads, call-time reads, float16', () => {
  let dist: string;
  let page: Page;
  let close: (() => Promise<void>) | undefined;
  const tench = photo(0);
  const tenchUrl = `/data/images/${tench.path.split('/').pop()}`;

  beforeAll(async () => {
    expect(tench.name).toBe('tench');
    dist = await buildPage(join(here, 'inputs-harness'));
    mkdirSync(join(dist, 'files'));
    for (const a of [0, 128]) {
      const { png, raw } = await alphaPng(tench.path, a);
      writeFileSync(join(dist, `files/alpha-${a}.png`), png);
      const head = Buffer.alloc(8);
      head.writeUInt32BE(raw.width, 0);
      head.writeUInt32BE(raw.height, 4);
      writeFileSync(join(dist, `files/alpha-${a}.rgba`), Buffer.concat([head, raw.data]));
    }
    const avif = await iso8Avif(3000);
    writeFileSync(join(dist, 'files/iso8-3000.avif'), avif);
    writeFileSync(join(dist, 'files/iso8-claims-11000.avif'), claimSize(avif, 11000, 11000));
    writeFileSync(join(dist, 'files/avif-3000.avif'), Buffer.concat([avif.subarray(0, 8), Buffer.from('avif'), avif.subarray(12)]));
    // not cross-origin isolated: wasm threads off, so the 1024-thread case cannot start 1024 Workers even if accepted
    ({ page, close } = await openHarnessPage(dist));
  }, 180_000);
  afterAll(async () => {
    await close?.();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('classifies the tench stored as an RGBA PNG with alpha 0 or 128 as the opaque photo, with the tensor Node builds and raw RGBA gives', async () => {
    const { out, warnings } = await page.evaluate(
      ([m, l]) =>
        (window as any).harness.alpha(
          m,
          l,
          { 0: '/files/alpha-0.png', 128: '/files/alpha-128.png' },
          { 0: '/files/alpha-0.rgba', 128: '/files/alpha-128.rgba' },
        ),
      [model, labels] as const,
    );
    const node = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    try {
      for (const a of ['0', '128']) {
        const r = out[a];
        const nodeTensor = await node.prepare((await alphaPng(tench.path, Number(a))).png);
        console.log(
          `chromium, tench RGBA PNG alpha ${a}: Blob ${r.blob.id} ${r.blob.probability.toFixed(3)}, <img> ${r.img.id} ${r.img.probability.toFixed(3)}, raw RGBA ${r.raw.id} ${r.raw.probability.toFixed(3)}; ` +
            `tensor vs raw ${meanAbsDiff(r.tensor, r.rawTensor).toExponential(2)}, vs Node ${meanAbsDiff(r.tensor, nodeTensor).toExponential(2)}`,
        );
        for (const kind of ['blob', 'img', 'raw'] as const) expect(r[kind].id, `alpha ${a} ${kind}`).toBe(tench.wnid);
        expect(meanAbsDiff(r.tensor, r.rawTensor), `alpha ${a}`).toBeLessThan(FIDELITY.browser.worst);
        expect(meanAbsDiff(r.imgTensor, r.rawTensor), `alpha ${a} <img>`).toBeLessThan(FIDELITY.browser.worst);
        expect(meanAbsDiff(r.tensor, nodeTensor), `alpha ${a} vs Node`).toBeLessThan(FIDELITY.browser.worst);
      }
    } finally {
      await node.dispose();
    }
    expect(warnings.filter((w: string) => w.includes('onnx-mobilenet'))).toEqual([]);
  }, 180_000);

  it('where the browser gives no WebGL, reads a transparent PNG premultiplied (as a canvas holds it) with one warning that says so', async () => {
    await page.reload();
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const urls = ['/files/alpha-0.png', '/files/alpha-128.png', '/files/alpha-0.png'];
    const { out, warnings } = await page.evaluate(([m, l, u]) => (window as any).harness.alphaWithoutWebgl(m, l, u), [model, labels, urls] as const);
    console.log(`without WebGL: ${JSON.stringify(out)}; warnings ${JSON.stringify(warnings)}`);
    // alpha 128 loses a rounding step, alpha 0 its colour (black, as the issue found: not the tench)
    expect(out['/files/alpha-128.png']).toMatchObject({ outcome: 'predictions', top: { id: tench.wnid } });
    expect(out['/files/alpha-0.png']).toMatchObject({ outcome: 'predictions' });
    expect(out['/files/alpha-0.png'].top.id).not.toBe(tench.wnid);
    expect(warnings.filter((w: string) => w.includes('[onnx-mobilenet]'))).toEqual([expect.stringMatching(/transparent pixels .*no WebGL.*premultiplied/)]);
    await page.reload();
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  }, 180_000);

  it('does the same inside a Web Worker: transparent PNGs, an ImageData zeroed and an OffscreenCanvas repainted after the call, float16 ImageData', async () => {
    const pngs = ['/files/alpha-0.png', '/files/alpha-128.png'];
    const r = await page.evaluate(([m, l, p, u]) => (window as any).harness.inWorker(m, l, p, u), [model, labels, pngs, tenchUrl] as const);
    console.log(`in a worker: ${JSON.stringify(r)}`);
    expect(r).toMatchObject({ ok: true, hasDocument: false });
    expect(r.out).toEqual({
      '/files/alpha-0.png': tench.wnid,
      '/files/alpha-128.png': tench.wnid,
      'ImageData, zeroed': tench.wnid,
      'float16 ImageData': tench.wnid,
      'OffscreenCanvas, painted black': tench.wnid,
    });
    expect(r.warnings.filter((w: string) => w.includes('[onnx-mobilenet]'))).toEqual([]);
  }, 180_000);

  it('refuses an AVIF whose major brand is iso8 (avif among the compatible brands) from its header, before createImageBitmap', async () => {
    const r = await page.evaluate(
      ([m, l]) =>
        (window as any).harness.avif(m, l, {
          'iso8 3000x3000 over a 1e6 limit': ['/files/iso8-3000.avif', 1_000_000],
          'iso8 claiming 11000x11000': ['/files/iso8-claims-11000.avif', 100_000_000],
          'avif 3000x3000 over a 1e6 limit': ['/files/avif-3000.avif', 1_000_000],
        }),
      [model, labels] as const,
    );
    for (const [name, o] of Object.entries(r)) console.log(`${name}: ${JSON.stringify(o)}`);
    for (const [name, size] of [
      ['iso8 3000x3000 over a 1e6 limit', '3000x3000'],
      ['iso8 claiming 11000x11000', '11000x11000'],
      ['avif 3000x3000 over a 1e6 limit', '3000x3000'],
    ]) {
      for (const kind of ['blob', 'bytes', 'url']) {
        expect(r[`${name} ${kind}`], `${name} ${kind}`).toMatchObject({
          outcome: 'E_LIMIT',
          bitmaps: 0,
          message: expect.stringMatching(new RegExp(`${size} \\(\\d+ pixels\\), over limits\\.maxInputPixels`)),
        });
      }
    }
  }, 180_000);

  it('refuses more wasm threads than the browser has cores (E_INPUT naming the bound), and runs with as many as it has', async () => {
    const r = await page.evaluate(([m, l, p]) => (window as any).harness.threads(m, l, p), [model, labels, tenchUrl] as const);
    console.log(
      `threads in chromium (${r.cores} cores): 1024 → ${r.over.outcome} in ${r.over.ms.toFixed(0)} ms, ${r.cores + 1} → ${r.justOver.outcome}, ${r.cores} → ${r.atCores.outcome}`,
    );
    for (const refused of [r.over, r.justOver]) {
      expect(refused).toMatchObject({
        outcome: 'E_INPUT',
        message: expect.stringMatching(new RegExp(`^threads must be an integer from 1 to ${r.cores} \\(.*navigator\\.hardwareConcurrency\\), got`)),
      });
    }
    expect(r.atCores).toMatchObject({ outcome: 'predictions', top: { id: tench.wnid } });
  }, 180_000);

  it('reads every pixel-holding input at call time: changed or closed right after the call, it is still the tench', async () => {
    const { out, sameTensor } = await page.evaluate(([m, l, p]) => (window as any).harness.changedAfterCall(m, l, p), [model, labels, tenchUrl] as const);
    for (const [name, o] of Object.entries(out)) console.log(`${name}: ${JSON.stringify(o)}`);
    expect(Object.keys(out)).toHaveLength(9);
    for (const [name, o] of Object.entries(out) as [string, { outcome: string; ids: string[] }][]) {
      expect(o.outcome, name).toBe('predictions');
      expect(new Set(o.ids), name).toEqual(new Set([tench.wnid]));
    }
    expect(sameTensor).toBe(true);
  }, 300_000);

  it('converts float16 ImageData (pixelFormat rgba-float16) to the 8-bit pixels it holds, instead of reading its bytes', async () => {
    const r = await page.evaluate(([m, l, p]) => (window as any).harness.float16(m, l, p), [model, labels, tenchUrl] as const);
    console.log(`float16 ImageData: ${JSON.stringify(r)}`);
    // Chromium 150 and later make them; where one cannot, there is nothing to misread
    if (!r.supported) return;
    expect(r).toMatchObject({ format: 'rgba-float16', arrayType: 'Float16Array', eightTop: { id: tench.wnid } });
    expect(r.result).toMatchObject({ outcome: 'predictions', top: { id: tench.wnid } });
    // every 8-bit value survives float16 (11 significant bits) and back
    expect(r.meanAbsDiff).toBeLessThan(1e-6);
  }, 180_000);
});
