// The decoder inside Vercel's EdgeVM (the `edge-runtime` package): a script bundle, as an edge
// function's, with no ImageData, no import.meta.url and no Node APIs, given its codecs as
// precompiled modules. Bundled from these sources by esbuild, as a bundler would.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { EdgeRuntime } from 'edge-runtime';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { DEFAULTS } from '@onnx-mobilenet/core';
import { describeWithAssets, photo } from '../../../../test/assets.js';
import { CODEC_WASM_FILES } from './codec-files.js';

const here = dirname(fileURLToPath(import.meta.url));
const requireHere = createRequire(import.meta.url);

describeWithAssets('the wasm decoder in edge-runtime (EdgeVM)', () => {
  let runtime: EdgeRuntime;
  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [join(here, 'index.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'edgeDecoder',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: ['source'],
      write: false,
      logLevel: 'error',
    });
    const module = (codec: keyof typeof CODEC_WASM_FILES) => new WebAssembly.Module(readFileSync(requireHere.resolve(CODEC_WASM_FILES[codec].source)));
    const tench = new Uint8Array(readFileSync(photo(0).path));
    runtime = new EdgeRuntime({
      extend: (context) => Object.assign(context, { jpegModule: module('jpeg'), webpModule: module('webp'), tench, limits: { ...DEFAULTS.limits } }),
    });
    runtime.evaluate(bundle.outputFiles[0]!.text);
  });

  it('decodes a JPEG to the pixels sharp decodes, refuses a cut-short one, and leaves no ImageData behind', async () => {
    const result = JSON.parse(
      await runtime.evaluate<Promise<string>>(`(async () => {
        const out = { before: typeof ImageData };
        const decoder = edgeDecoder.createEdgeDecoder({ jpeg: jpegModule, webp: webpModule });
        const opened = await decoder.open(tench, { limits });
        const { whole: image } = await opened.decode({ width: 256, height: 256, crop: { left: 16, top: 16, width: 224, height: 224 } });
        out.size = [image.width, image.height, image.channels];
        out.rgb = Array.from({ length: image.width * image.height * 3 }, (_, i) => image.data[Math.floor(i / 3) * 4 + (i % 3)]);
        out.after = typeof ImageData;
        out.cut = await decoder.open(tench.subarray(0, 5000), { limits }).then(() => 'opened', (e) => e.code + ': ' + e.message);
        return JSON.stringify(out);
      })()`),
    ) as { before: string; after: string; size: number[]; rgb: number[]; cut: string };
    expect(result.before).toBe('undefined');
    expect(result.after).toBe('undefined');
    const reference = await sharp(photo(0).path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(result.size).toEqual([reference.info.width, reference.info.height, 4]);
    expect(result.rgb).toEqual([...reference.data]);
    expect(result.cut).toBe('E_IMAGE_DECODE: cannot decode image 5000-byte buffer: the JPEG file is cut short (truncated)');
  });
});
