// node bench/edge-codecs.mjs: the image codecs that run without the DOM or a native module,
// compared on the ../shared photos for the wasm package's decoder (packages/wasm/src/decode): ms per
// photo in this Node, bundle size (minified code and wasm, raw and gzipped: a Worker's limits
// count gzipped bytes) and fidelity (the decoded RGB against sharp's decode of the same file, mean
// and max absolute difference per channel). PNG and WebP inputs are the same photos re-encoded
// by sharp (PNG; WebP at quality 80; lossless WebP). Run by hand, not by the tests.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import sharp from 'sharp';
import { ASSETS_DIR } from '../test/assets-dir.mjs';
import { machineFacts } from './lib/machine.mjs';

const require = createRequire(import.meta.url);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
sharp.cache(false);

const dir = join(ASSETS_DIR, 'images');
const jpegs = readdirSync(dir)
  .filter((f) => /\.jpe?g$/i.test(f))
  .sort()
  .map((f) => readFileSync(join(dir, f)));
const inputs = {
  JPEG: jpegs,
  PNG: await Promise.all(jpegs.map((b) => sharp(b).png().toBuffer())),
  WebP: await Promise.all(jpegs.map((b) => sharp(b).webp({ quality: 80 }).toBuffer())),
  'WebP lossless': await Promise.all(jpegs.map((b) => sharp(b).webp({ lossless: true }).toBuffer())),
};

const wasmModule = (path) => new WebAssembly.Module(readFileSync(require.resolve(path)));
const withAlpha = (r) => ({ data: r.data, width: r.width, height: r.height, channels: 4 });

/** Each candidate: how to decode (to RGB or RGBA), what to bundle for its size, and its wasm files. */
const candidates = [
  {
    name: '@jsquash/jpeg (MozJPEG wasm)',
    formats: ['JPEG'],
    entry: "export { default, init } from '@jsquash/jpeg/decode.js';",
    wasm: ['@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'],
    async setup() {
      const m = await import('@jsquash/jpeg/decode.js');
      await m.init(wasmModule('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'));
      return async (b) => withAlpha(await m.default(b));
    },
  },
  {
    name: 'jpeg-js (JS)',
    formats: ['JPEG'],
    entry: "export { default } from 'jpeg-js/lib/decoder.js';",
    async setup() {
      const { decode } = (await import('jpeg-js')).default;
      return (b) => ({ ...decode(b, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 4096 }), channels: 3 });
    },
  },
  {
    name: '@cwasm/jpeg-turbo (libjpeg-turbo wasm; unmaintained, reads its wasm with fs)',
    formats: ['JPEG'],
    entry: "export * from '@cwasm/jpeg-turbo';",
    wasm: ['@cwasm/jpeg-turbo/jpeg-turbo.wasm'],
    async setup() {
      const { decode } = (await import('@cwasm/jpeg-turbo')).default;
      return (b) => withAlpha(decode(b));
    },
  },
  {
    name: '@jsquash/png (Rust png wasm)',
    formats: ['PNG'],
    entry: "export { default, init } from '@jsquash/png/decode.js';",
    wasm: ['@jsquash/png/codec/pkg/squoosh_png_bg.wasm'],
    async setup() {
      const m = await import('@jsquash/png/decode.js');
      await m.init(wasmModule('@jsquash/png/codec/pkg/squoosh_png_bg.wasm'));
      return async (b) => withAlpha(await m.default(b));
    },
  },
  {
    name: 'fast-png (JS, fflate)',
    formats: ['PNG'],
    entry: "export { decode } from 'fast-png';",
    async setup() {
      const { decode } = await import('fast-png');
      return (b) => decode(b);
    },
  },
  {
    name: "pngjs (JS, Node's zlib: not on the edge)",
    formats: ['PNG'],
    entry: "export { PNG } from 'pngjs';",
    platform: 'node',
    async setup() {
      const { PNG } = (await import('pngjs')).default;
      return (b) => ({ ...PNG.sync.read(b), channels: 4 });
    },
  },
  {
    name: 'upng-js (JS, pako)',
    formats: ['PNG'],
    entry: "export { default } from 'upng-js';",
    async setup() {
      const UPNG = (await import('upng-js')).default;
      return (b) => {
        const img = UPNG.decode(b);
        return { data: new Uint8Array(UPNG.toRGBA8(img)[0]), width: img.width, height: img.height, channels: 4 };
      };
    },
  },
  {
    name: '@jsquash/webp (libwebp wasm)',
    formats: ['WebP', 'WebP lossless'],
    entry: "export { default, init } from '@jsquash/webp/decode.js';",
    wasm: ['@jsquash/webp/codec/dec/webp_dec.wasm'],
    async setup() {
      const m = await import('@jsquash/webp/decode.js');
      await m.init(wasmModule('@jsquash/webp/codec/dec/webp_dec.wasm'));
      return async (b) => withAlpha(await m.default(b));
    },
  },
  {
    name: '@cwasm/webp (libwebp wasm; unmaintained, reads its wasm with fs)',
    formats: ['WebP', 'WebP lossless'],
    entry: "export * from '@cwasm/webp';",
    wasm: ['@cwasm/webp/webp.wasm'],
    async setup() {
      const { decode } = (await import('@cwasm/webp')).default;
      return (b) => withAlpha(decode(b));
    },
  },
];

/**
 * The package's own decoder as the edge entries import it (packages/wasm/src/decode, bundled from
 * source by esbuild with the workspace's "source" condition): every check, the bounded PNG
 * inflate and EXIF orientation included. Its size counts the code an edge entry imports and both
 * codec wasm files.
 */
const ours = {
  name: 'this package: createEdgeDecoder (MozJPEG + libwebp wasm, fast-png)',
  formats: ['JPEG', 'PNG', 'WebP', 'WebP lossless'],
  entry: "export * from '../packages/wasm/src/decode/index.ts';",
  wasm: ['@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm', '@jsquash/webp/codec/dec/webp_dec.wasm'],
  async setup() {
    const folder = mkdtempSync(join(tmpdir(), 'edge-codecs-'));
    try {
      const source = "export * from '../packages/wasm/src/decode/index.ts'; export { loadCodecModules } from '../packages/wasm/src/decode/node-codecs.ts';";
      const built = await build({ ...bundleOptions(source, 'node'), minify: false, external: ['@jsquash/*', 'fast-png', 'fflate'] });
      const file = join(import.meta.dirname, `.edge-codecs-${process.pid}.mjs`);
      writeFileSync(file, built.outputFiles[0].contents);
      try {
        const m = await import(pathToFileURL(file).href);
        const codecs = new m.EdgeCodecs(await m.loadCodecModules());
        const limits = (await import('@onnx-mobilenet/core')).DEFAULTS.limits;
        return (b) => m.decodeEncodedImage(b, 'photo', codecs, limits);
      } finally {
        rmSync(file);
      }
    } finally {
      rmSync(folder, { recursive: true });
    }
  },
};
candidates.push(ours);

/** esbuild's options for a minified ESM bundle of `contents` (resolved from bench/), as wrangler bundles. */
function bundleOptions(contents, platform) {
  return {
    stdin: { contents, resolveDir: import.meta.dirname, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    conditions: ['source'],
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
    external: ['fs', 'path', 'zlib', 'stream', 'util', 'assert', 'buffer'],
  };
}

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1);

/** Minified bundle of the decoder's entry (esbuild, as wrangler bundles) and its wasm files, raw and gzipped. */
async function sizeOf(c) {
  const result = await build(bundleOptions(c.entry, c.platform ?? (c.name.includes('fs') ? 'node' : 'neutral')));
  const js = result.outputFiles[0].contents;
  const wasm = (c.wasm ?? []).map((p) => readFileSync(require.resolve(p)));
  return {
    raw: js.length + wasm.reduce((s, w) => s + w.length, 0),
    gz: gz(js) + wasm.reduce((s, w) => s + gz(w), 0),
    wasmFiles: wasm.length,
  };
}

/** sharp's decode of the same bytes, the reference: RGB, 8-bit, no profile applied. */
const reference = async (b) => sharp(b, { ignoreIcc: true }).removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const machine = machineFacts({ sharp: sharp.versions.sharp, libvips: sharp.versions.vips });
console.log(
  `${machine.cpu}, ${machine.cores} cores; node ${machine.node}; ${jpegs.length} photos, ${ROUNDS} rounds; reference: sharp ${machine.sharp} (libvips ${machine.libvips})\n`,
);
const rows = [];
for (const c of candidates) {
  const decode = await c.setup();
  const size = await sizeOf(c);
  for (const format of c.formats) {
    const files = inputs[format];
    const refs = await Promise.all(files.map(reference));
    for (const b of files.slice(0, 3)) await decode(b); // warm-up
    const times = [];
    const sum = [0, 0, 0];
    const max = [0, 0, 0];
    let pixels = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < files.length; i++) {
        const t0 = performance.now();
        const out = await decode(files[i]);
        times.push(performance.now() - t0);
        if (round > 0) continue;
        const ref = refs[i];
        if (out.width !== ref.info.width || out.height !== ref.info.height) throw new Error(`${c.name}: photo ${i} decoded to ${out.width}x${out.height}`);
        for (let p = 0; p < out.width * out.height; p++) {
          for (let ch = 0; ch < 3; ch++) {
            const d = Math.abs(out.data[p * out.channels + ch] - ref.data[p * 3 + ch]);
            sum[ch] += d;
            if (d > max[ch]) max[ch] = d;
          }
        }
        pixels += out.width * out.height;
      }
    }
    rows.push({
      codec: c.name,
      format,
      ms: median(times),
      size,
      mean: sum.map((s) => (s / pixels).toFixed(3)).join(' / '),
      max: max.join(' / '),
    });
  }
}
console.log('| codec | input | median ms/photo | size raw (KB) | size gzip (KB) | wasm files | mean abs diff R / G / B | max abs diff R / G / B |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.codec} | ${r.format} | ${r.ms.toFixed(2)} | ${kb(r.size.raw)} | ${kb(r.size.gz)} | ${r.size.wasmFiles} | ${r.mean} | ${r.max} |`);
}
