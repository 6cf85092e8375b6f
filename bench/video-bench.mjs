// pnpm --filter onnx-mobilenet-bench bench:video: classifyStream over raw frames in Node. Per-frame
// time for raw RGB frames of a few sizes (what ffmpeg's rawvideo gives: no decode) against the same
// frames as JPEG bytes (a decode each), and frames/s end to end through ffmpeg (videoFrames) on a
// 640x480 clip, with ffmpeg alone beside it. Prints one table; numbers are this machine's.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createClassifier, videoFrames } from '@onnx-mobilenet/node';
import { ASSETS_DIR } from '../test/assets-dir.mjs';
import { interleaved } from './lib/cpu-time.mjs';
import { machineFacts } from './lib/machine.mjs';

const FRAMES = Number(process.env.BENCH_FRAMES ?? 60);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SIZES = [
  [224, 224],
  [256, 256],
  [640, 480],
  [1280, 720],
];
const PHOTOS = ['n01440764_tench.JPEG', 'n02391049_zebra.JPEG'].map((f) => join(ASSETS_DIR, 'images', f));
const machine = machineFacts();
console.log(
  `${machine.cpu}, ${machine.cores} cores; node ${machine.node}; ${FRAMES} frames a run, median of ${ROUNDS} runs; load average ${loadavg()[0].toFixed(1)}`,
);

/** Runs classifyStream over `items` to the end, one frame pulled at a time. */
async function consume(classifier, items) {
  for await (const result of classifier.classifyStream(items)) if (result.error) throw result.error;
}

const rows = [];
for (const model of ['mobilenetv2-12-int8', 'mobilenetv2-12-fp32-dequantized']) {
  const classifier = await createClassifier({ model: join(ASSETS_DIR, 'models', `${model}.onnx`), labels: join(ASSETS_DIR, 'models/synset.txt') });
  const cases = {};
  for (const [width, height] of SIZES) {
    const frames = [];
    const jpegs = [];
    for (const path of PHOTOS) {
      const resized = sharp(path).resize(width, height, { fit: 'cover' });
      const { data, info } = await resized.clone().removeAlpha().raw().toBuffer({ resolveWithObject: true });
      frames.push({ data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 });
      jpegs.push(new Uint8Array(await resized.clone().jpeg({ quality: 90 }).toBuffer()));
    }
    const raw = Array.from({ length: FRAMES }, (_, i) => ({ image: frames[i % 2], timestamp: i * 40 }));
    const encoded = Array.from({ length: FRAMES }, (_, i) => ({ image: jpegs[i % 2], timestamp: i * 40 }));
    cases[`${width}x${height} raw`] = { photos: FRAMES, run: () => consume(classifier, raw) };
    cases[`${width}x${height} jpeg`] = { photos: FRAMES, run: () => consume(classifier, encoded) };
  }
  // the cases take turns, so a busy moment of the machine spreads over all of them
  const measured = await interleaved(cases, ROUNDS);
  for (const [width, height] of SIZES) {
    const frame = `${width}x${height}`;
    rows.push({ model, frame, raw: measured[`${frame} raw`], jpeg: measured[`${frame} jpeg`] });
  }
  await classifier.dispose();
}
const ms = (m) => `${m.wall.toFixed(1)} (CPU ${m.cpu.toFixed(1)})`;
console.log('\n| model | frame | raw RGB: wall ms/frame (CPU ms) | same frame as JPEG: wall ms/frame (CPU ms) |\n| --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.model} | ${r.frame} | ${ms(r.raw)} | ${ms(r.jpeg)} |`);

// End to end: a 20 s 640x480 clip at 25 fps through ffmpeg, every frame classified
const dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-video-bench-'));
try {
  const clip = join(dir, 'clip.mp4');
  const inputs = PHOTOS.flatMap((p) => ['-loop', '1', '-framerate', '25', '-t', '10', '-i', p]);
  const filter = '[0]scale=640:480,setsar=1[a];[1]scale=640:480,setsar=1[b];[a][b]concat=n=2:v=1[v]';
  const made = spawnSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', ...inputs, '-filter_complex', filter, '-map', '[v]', '-pix_fmt', 'yuv420p', clip]);
  if (made.status !== 0) throw new Error(`ffmpeg: ${made.stderr}`);
  const classifier = await createClassifier({ model: join(ASSETS_DIR, 'models/mobilenetv2-12-int8.onnx'), labels: join(ASSETS_DIR, 'models/synset.txt') });
  console.log('\n| through ffmpeg (20 s clip, 640x480, fps 25) | frames | s | frames/s |\n| --- | --- | --- | --- |');
  for (const [what, size] of [
    ['256x256 center square (default size)', undefined],
    ['640x480 whole frame', { width: 640, height: 480 }],
  ]) {
    let t0 = performance.now();
    let n = 0;
    for await (const _ of videoFrames(clip, { fps: 25, size })) n++;
    let s = (performance.now() - t0) / 1000;
    console.log(`| ffmpeg alone, ${what} | ${n} | ${s.toFixed(2)} | ${(n / s).toFixed(0)} |`);
    t0 = performance.now();
    n = 0;
    for await (const r of classifier.classifyStream(videoFrames(clip, { fps: 25, size }))) if (!r.error) n++;
    s = (performance.now() - t0) / 1000;
    console.log(`| ffmpeg + classifyStream (int8), ${what} | ${n} | ${s.toFixed(2)} | ${(n / s).toFixed(0)} |`);
  }
  await classifier.dispose();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
