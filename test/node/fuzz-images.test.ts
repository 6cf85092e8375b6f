// Fuzzing the Node decoder with hostile image files (issue 10): every generated file, given as bytes
// and as a path with a misleading extension, must end in predictions or a typed OnnxMobilenetError
// within a time bound; files outside the documented formats (SVG pointing at a canary file beside
// it, libvips .v, PDF, FITS, ...) must be refused with E_IMAGE_DECODE naming the format, and files
// sharp itself wrote from a photo (CMYK, 16-bit, palette, animated, ...) must be classified.
// FUZZ_SEED replays a run; FUZZ_COUNT scales it (default 2000 -> 80 files here).
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, isOnnxMobilenetError, type NodeClassifier } from '@onnx-mobilenet/node';
import { INT8_MODEL, SYNSET, describeWithAssets, photo } from '../assets.js';
import { rng } from './fuzz-inputs.js';
import { makeImageCase, type Pixels } from './fuzz-image-inputs.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const COUNT = Math.max(1, Math.ceil(Number(process.env.FUZZ_COUNT ?? 2000) / 25));
// A bound for "never hangs", not a speed claim: each file is at most a few hundred pixels a side.
const TIME_BOUND_MS = 10_000;
const EXTENSIONS = ['.jpg', '.png', '.tif', '.webp', '.avif', '.gif', ''];

/** `work` or a rejection naming `what` once TIME_BOUND_MS has passed. */
function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${TIME_BOUND_MS} ms`)), TIME_BOUND_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

describeWithAssets(`fuzzing the Node decoder with hostile images (seed ${SEED}, ${COUNT} files)`, () => {
  let classifier: NodeClassifier;
  let dir: string;
  beforeAll(async () => {
    classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    dir = mkdtempSync(join(tmpdir(), 'fuzz-images-'));
  });
  afterAll(async () => {
    await classifier?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'ends every file, as bytes and as a path, in predictions or a typed error in time; refuses every format outside the list',
    async () => {
      const photoPath = photo(0).path;
      const canary = join(dir, 'canary.jpg');
      copyFileSync(photoPath, canary);
      const raw = await sharp(photoPath).resize(320, 240, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const pixels: Pixels = { data: new Uint8Array(raw.data), width: raw.info.width, height: raw.info.height };
      const random = rng(SEED);
      const outcomes: Record<string, number> = {};
      for (let i = 0; i < COUNT; i++) {
        const c = await makeImageCase(random, { path: photoPath, pixels }, dir, canary);
        const path = join(dir, `case-${i}${EXTENSIONS[Math.floor(random() * EXTENSIONS.length)]}`);
        writeFileSync(path, c.bytes);
        for (const [how, input] of [
          ['bytes', c.bytes],
          ['path', path],
        ] as const) {
          const replay = `seed ${SEED}, case ${i} (${c.kind}) as ${how}`;
          const outcome = await bounded(
            classifier.classify(input, { topK: 3 }).then(
              (predictions) => ({ predictions }),
              (error: unknown) => ({ error }),
            ),
            replay,
          );
          if ('error' in outcome) {
            const err = outcome.error;
            if (!isOnnxMobilenetError(err)) throw new Error(`${replay}: untyped ${String((err as Error)?.stack ?? err)}`);
            expect(err.message.length, replay).toBeGreaterThan(10);
            if (c.mustRefuse) expect(err, replay).toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringMatching(c.mustRefuse) });
            // a file sharp wrote from a real photo is a valid image of a supported format
            expect(c.kind, `${replay}: ${err.message}`).not.toMatch(/^(CMYK|16-bit|grey|palette|1-bit|animated|multi-page|AVIF|WebP)/);
            outcomes[err.code] = (outcomes[err.code] ?? 0) + 1;
          } else {
            expect(c.mustRefuse, `${replay} was decoded`).toBeUndefined();
            expect(outcome.predictions, replay).toHaveLength(3);
            outcomes.predictions = (outcomes.predictions ?? 0) + 1;
          }
        }
      }
      console.log(`image fuzz seed ${SEED}: ${COUNT} files x 2 inputs -> ${JSON.stringify(outcomes)}`);
    },
    10 * 60_000,
  );
});
