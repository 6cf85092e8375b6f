// pnpm bench:node (after node-bench): JPEG decoders compared on the ../shared photos (about
// 500x375), in CPU ms a photo, with Pillow measured in the same run through the Python venv:
// decode alone, and decode + resize (shorter side 256, antialiased bilinear) + centre crop 224.
// sharp resizes in libvips as the adapter does; the other decoders hand their pixels to core's
// resampler, as the web adapter does. Fidelity: mean absolute difference of each crop from
// Pillow's, in 8-bit levels. Writes bench/results/decode-<date>.json and decode-latest.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { DEFAULTS } from '@onnx-mobilenet/core';
import { planResize, resampleBilinear } from '@onnx-mobilenet/core/preprocess';
import { nodeBackend } from '@onnx-mobilenet/node/adapter';
import { ASSETS_DIR } from '../test/assets-dir.mjs';
import { interleaved } from './lib/cpu-time.mjs';
import { machineFacts } from './lib/machine.mjs';
import { pythonOrReason } from './lib/python.mjs';
import { writeResults } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const quick = process.argv.includes('--quick');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 2 : 7));
/** The venv's Python, made when missing; why not, when it cannot be. */
const PYTHON = (({ python, skipped }) => python ?? { skipped })(pythonOrReason());
const pre = DEFAULTS.preprocess;
const limits = DEFAULTS.limits;
sharp.cache(false);

const files = readdirSync(join(ASSETS_DIR, 'images'))
  .filter((f) => /\.jpe?g$/i.test(f))
  .sort()
  .map((f) => join(ASSETS_DIR, 'images', f));
const buffers = files.map((f) => readFileSync(f));
// --adapter-only: a child process that prints the adapter's decode + resize + crop CPU ms a photo
// (one untimed pass, then `rounds` timed ones, median), for the allocator comparison below.
if (process.argv.includes('--adapter-only')) {
  const runs = [];
  for (let r = 0; r <= ROUNDS; r++) {
    const c0 = process.cpuUsage();
    for (const b of buffers) await adapterCrop(b);
    const c = process.cpuUsage(c0);
    if (r > 0) runs.push((c.user + c.system) / 1000 / buffers.length);
  }
  console.log(JSON.stringify({ cpu: runs.sort((a, b) => a - b)[runs.length >> 1], concurrency: sharp.concurrency() }));
  process.exit(0);
}
const machine = machineFacts({ sharp: sharp.versions.sharp, libvips: sharp.versions.vips, sharpConcurrency: sharp.concurrency() });
console.log(
  `${machine.cpu}, ${machine.cores} cores; node ${machine.node}, sharp ${machine.sharp} (libvips ${machine.libvips}, ${machine.sharpConcurrency} libvips thread(s) a pipeline)`,
);

/** core's resize and crop of whole decoded pixels (RGB or RGBA), as the web adapter does it. */
function coreCrop(img) {
  const plan = planResize(img.width, img.height, pre);
  return resampleBilinear(img, plan.width, plan.height, plan.crop);
}

/** An ImageData-like result (its fields may be getters). */
const rgba = (r) => ({ data: r.data, width: r.width, height: r.height, channels: 4 });

/** The adapter's own walk: open (header, limits), plan, decode in libvips. */
async function adapterCrop(bytes) {
  const image = await nodeBackend.decoder.open(bytes, { limits });
  const plan = planResize(image.width, image.height, pre);
  const px = await image.decode(plan);
  return 'crop' in px ? px.crop : resampleBilinear(px.whole, plan.width, plan.height, plan.crop);
}

/** The folder of an installed package (for its size on disk), resolved from `from`'s folder. */
function packageDir(name, from = here) {
  let dir = dirname(realpathSync(createRequire(join(from, 'x.js')).resolve(name)));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) dir = dirname(dir);
  return dir;
}
function duMb(dirs) {
  const out = execFileSync('du', ['-sck', ...dirs], { encoding: 'utf8' });
  return Number(/(\d+)\s+total/.exec(out)?.[1] ?? Number.NaN) / 1024;
}

/** Each decoder: decode alone, decode + resize + crop, and the packages that make it up. */
async function candidates() {
  const list = [];
  // A package without a build for this platform, or that fails to decode a photo, is left out, said so.
  // A decoder without its own resize hands its whole image to core's, as the web adapter does.
  const viaCore = (name, decode, pkgs) => list.push({ name, decode, crop: async (b) => coreCrop(await decode(b)), pkgs });
  const optional = async (name, add) => {
    const before = list.length;
    try {
      await add();
      for (const c of list.slice(before)) await c.decode(buffers[0]);
    } catch (err) {
      list.length = before;
      console.log(`${name}: left out (${String(err).slice(0, 160)})`);
    }
  };
  const sharpDir = packageDir('sharp');
  const sharpPkgs = [sharpDir, ...readdirSync(join(sharpDir, '..', '@img')).map((p) => join(sharpDir, '..', '@img', p))];
  const sharpRaw = (opts) => (b) =>
    sharp(b, { ignoreIcc: true, ...opts })
      .raw()
      .toBuffer();
  list.push({ name: 'sharp (the adapter now)', decode: sharpRaw({}), crop: adapterCrop, pkgs: sharpPkgs });
  // sharp runs 1 libvips thread a pipeline on glibc Linux (its default there), as many as cores elsewhere.
  const threads = (n, fn) => async (b) => {
    const was = sharp.concurrency();
    sharp.concurrency(n);
    try {
      return await fn(b);
    } finally {
      sharp.concurrency(was);
    }
  };
  const many = Math.max(2, machine.cores);
  list.push({ name: `sharp, ${many} libvips threads`, decode: threads(many, sharpRaw({})), crop: threads(many, adapterCrop), pkgs: sharpPkgs });
  await optional('@napi-rs/image', async () => {
    const napi = require('@napi-rs/image');
    // rawPixels: the decoded samples as stored (RGB, grey or RGBA).
    const napiDecode = async (b) => {
      const t = new napi.Transformer(b);
      const [{ width, height }, data] = await Promise.all([t.metadata(), t.rawPixels()]);
      return { data, width, height, channels: data.length / (width * height) };
    };
    viaCore('@napi-rs/image (Rust zune-jpeg, N-API)', napiDecode, [
      packageDir('@napi-rs/image'),
      join(packageDir('@napi-rs/image'), '..', `image-${process.platform}-${process.arch}-gnu`),
    ]);
  });
  await optional('@julusian/jpeg-turbo', async () => {
    const jt = require('@julusian/jpeg-turbo');
    // Synchronous, on the calling thread: the same decode without the libuv hop.
    const jtSync = (b) => ({ ...jt.decompressSync(b, { format: jt.FORMAT_RGB }), channels: 3 });
    viaCore('@julusian/jpeg-turbo 2.2, sync (no libuv hop)', jtSync, [packageDir('@julusian/jpeg-turbo')]);
    const jtDecode = async (b) => ({ ...(await jt.decompress(b, { format: jt.FORMAT_RGB })), channels: 3 });
    viaCore('@julusian/jpeg-turbo 2.2 (libjpeg-turbo, N-API)', jtDecode, [packageDir('@julusian/jpeg-turbo')]);
  });
  await optional('@jsquash/jpeg', async () => {
    const jsquash = await import('@jsquash/jpeg/decode.js');
    await jsquash.init(new WebAssembly.Module(readFileSync(require.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'))));
    const jsqDecode = async (b) => rgba(await jsquash.default(b));
    viaCore('@jsquash/jpeg (MozJPEG wasm)', jsqDecode, [packageDir('@jsquash/jpeg')]);
  });
  await optional('@cwasm/jpeg-turbo', async () => {
    const { decode: cwasm } = (await import('@cwasm/jpeg-turbo')).default;
    const cwDecode = (b) => rgba(cwasm(b));
    viaCore('@cwasm/jpeg-turbo (wasm)', cwDecode, [packageDir('@cwasm/jpeg-turbo')]);
  });
  for (const c of list) c.installMb = duMb(c.pkgs.filter((d) => existsSync(d)).map((d) => realpathSync(d)));
  return list;
}

/** Pillow in the venv: CPU ms/photo and its crops, or why it could not run. */
function pillow(rounds, cropsFile) {
  if (typeof PYTHON !== 'string') return PYTHON;
  const job = join(dirname(cropsFile), 'job.json');
  writeFileSync(job, JSON.stringify({ paths: files, rounds, crops: cropsFile }));
  try {
    return JSON.parse(execFileSync(PYTHON, [join(here, 'lib/pillow-decode.py'), job], { encoding: 'utf8' }));
  } catch (err) {
    return { skipped: `Pillow failed: ${String(err).slice(0, 200)}` };
  }
}

/** Mean |crop − reference| over RGB samples; a greyscale crop counts as grey RGB, as Pillow converts it. */
function meanAbsDiff(crop, ref) {
  const c = crop.channels;
  let s = 0;
  for (let i = 0; i < ref.length; i++) s += Math.abs(crop.data[Math.trunc(i / 3) * c + (c === 1 ? 0 : i % 3)] - ref[i]);
  return s / ref.length;
}

const tmp = mkdtempSync(join(tmpdir(), 'decode-bench-'));
const cropsFile = join(tmp, 'pillow-crops.bin');
const list = await candidates();
const cases = {};
const seq = (fn) => ({
  photos: buffers.length,
  run: async () => {
    for (const b of buffers) await fn(b);
  },
});
for (const [i, c] of list.entries()) {
  cases[`${i}:decode`] = seq(c.decode);
  if (c.crop) cases[`${i}:crop`] = seq(c.crop);
}
// A 16x16 JPEG: what a sharp pipeline costs before any pixel work.
const tiny = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } })
  .jpeg()
  .toBuffer();
cases.tiny = {
  photos: 53,
  run: async () => {
    for (let i = 0; i < 53; i++) await sharp(tiny).raw().toBuffer();
  },
};
// Pillow runs between the Node rounds, so a busy spell of the machine falls on both.
const pillowRuns = [];
const samples = [];
for (let r = 0; r < ROUNDS; r++) {
  samples.push(await interleaved(cases, 1));
  pillowRuns.push(pillow(1, cropsFile));
}
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const cpuOf = (key) => (cases[key] ? med(samples.map((s) => s[key].cpu)) : null);
const py = pillowRuns.find((p) => p.skipped) ?? {
  decode: med(pillowRuns.map((p) => p.decode)),
  crop: med(pillowRuns.map((p) => p.crop)),
  pillow: pillowRuns[0].pillow,
};
const ref = existsSync(cropsFile) ? readFileSync(cropsFile) : null;

const rows = [];
for (const [i, c] of list.entries()) {
  let fidelity = null;
  if (ref && c.crop) {
    const diffs = [];
    for (const [k, b] of buffers.entries()) diffs.push(meanAbsDiff(await c.crop(b), ref.subarray(k * 224 * 224 * 3, (k + 1) * 224 * 224 * 3)));
    fidelity = { mean: diffs.reduce((a, b) => a + b, 0) / diffs.length, worst: Math.max(...diffs) };
  }
  rows.push({ name: c.name, decodeCpuMs: cpuOf(`${i}:decode`), cropCpuMs: cpuOf(`${i}:crop`), fidelity, installMb: c.installMb });
}
rmSync(tmp, { recursive: true, force: true });

// glibc's allocator against jemalloc (sharp's documented advice on glibc Linux), in alternating
// child processes: libvips allocates and frees tile buffers all through a decode.
const JEMALLOC = ['/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2'].find((f) => existsSync(f));
const allocators = { glibc: [], jemalloc: [] };
if (JEMALLOC) {
  const child = (env) =>
    JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--adapter-only'], { encoding: 'utf8', env: { ...process.env, ...env } }));
  for (let r = 0; r < Math.max(2, Math.ceil(ROUNDS / 2)); r++) {
    allocators.glibc.push(child({}));
    allocators.jemalloc.push(child({ LD_PRELOAD: JEMALLOC }));
  }
}
const allocator = Object.fromEntries(
  Object.entries(allocators)
    .filter(([, runs]) => runs.length)
    .map(([k, runs]) => [k, { cpu: med(runs.map((x) => x.cpu)), sharpConcurrency: runs[0].concurrency }]),
);

const f = (x, d = 2) => (x == null ? '–' : x.toFixed(d));
console.log(
  `\nJPEG decoders, CPU ms a photo (${buffers.length} photos, ${ROUNDS} interleaved rounds, medians); fidelity: mean |crop − Pillow's crop| in 8-bit levels, average / worst photo`,
);
const header = ['decoder', 'decode', '× Pillow', 'decode+resize+crop', '× Pillow', 'fidelity', 'install MB'];
const lines = rows.map((r) => [
  r.name,
  f(r.decodeCpuMs),
  py.decode ? f(r.decodeCpuMs / py.decode) : '–',
  f(r.cropCpuMs),
  py.crop && r.cropCpuMs ? f(r.cropCpuMs / py.crop) : '–',
  r.fidelity ? `${f(r.fidelity.mean, 3)} / ${f(r.fidelity.worst, 3)}` : '–',
  f(r.installMb, 1),
]);
if (!py.skipped) lines.push([`Pillow ${py.pillow} (Python venv, same run)`, f(py.decode), '1.00', f(py.crop), '1.00', '0 (the reference)', '–']);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const fmt = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(fmt(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const l of lines) console.log(fmt(l));
console.log(`sharp pipeline on a 16x16 JPEG (setup, no pixel work): ${f(cpuOf('tiny'))} CPU ms`);
if (allocator.glibc && allocator.jemalloc) {
  console.log(
    `the adapter's decode + resize + crop, fresh processes: glibc malloc ${f(allocator.glibc.cpu)} CPU ms, jemalloc (LD_PRELOAD) ${f(allocator.jemalloc.cpu)} (${f(allocator.jemalloc.cpu / allocator.glibc.cpu)}×; sharp then runs ${allocator.jemalloc.sharpConcurrency} libvips threads)`,
  );
} else console.log('jemalloc: not installed (apt install libjemalloc2), no allocator comparison');
if (py.skipped) console.log(`Pillow: ${py.skipped}`);

const results = {
  machine,
  date: new Date().toISOString(),
  rounds: ROUNDS,
  photos: buffers.length,
  pillow: py,
  decoders: rows,
  sharpSetupCpuMs: cpuOf('tiny'),
  allocator,
};
writeResults(join(here, 'results'), 'decode', results);
