// videoFrames with Debian's ffmpeg on a clip made from two photos (3 s each), and classifyStream
// over its frames with the int8 model: the label switches from the first photo's class to the
// second's at the cut.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, type NodeClassifier, type RawVideoFrame, videoFrames } from '../index.js';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../../../../test/assets.js';
import { expectCut, makeClip, skipWithoutFfmpeg } from '../../../../test/video-clip.js';

const SECONDS = 3; // each photo's time on screen: the cut is at 3000 ms
const [FIRST, SECOND] = ['tench', 'zebra'].map((name) => photos().find((p) => p.name === name));

/** Mean absolute difference of two frames' bytes. */
function diff(a: RawVideoFrame, b: RawVideoFrame): number {
  let sum = 0;
  for (let i = 0; i < a.image.data.length; i++) sum += Math.abs(a.image.data[i]! - b.image.data[i]!);
  return sum / a.image.data.length;
}

/** Processes whose parent is this one (ffmpeg children still running). */
function children(): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter((l) => l.includes('ffmpeg'));
  } catch {
    return []; // ps exits 1 when there is none
  }
}

describeWithAssets('videoFrames with ffmpeg, through classifyStream', () => {
  let dir: string;
  let clip: string;
  let classifier: NodeClassifier;
  beforeAll(async () => {
    classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    if (skipWithoutFfmpeg) return;
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-video-'));
    clip = makeClip(dir, [FIRST!.path, SECOND!.path], SECONDS);
  });
  afterAll(async () => {
    await classifier?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(skipWithoutFfmpeg)('takes fps frames a second of the given size, timed from the start, with the cut where it is', async () => {
    const frames: RawVideoFrame[] = [];
    for await (const f of videoFrames(clip, { fps: 4, size: 64 })) frames.push(f);
    expect(frames.map((f) => f.timestamp)).toEqual(Array.from({ length: 4 * 2 * SECONDS }, (_, i) => i * 250));
    expect(frames.every((f) => f.image.width === 64 && f.image.height === 64 && f.image.data.length === 64 * 64 * 3)).toBe(true);
    // a still photo gives the same frame (up to the codec's noise) until the cut, then another
    const first = frames[0]!;
    const last = frames.at(-1)!;
    expect(diff(first, last)).toBeGreaterThan(20);
    for (const f of frames) {
      const near = f.timestamp < SECONDS * 1000 - 250 ? first : f.timestamp > SECONDS * 1000 ? last : undefined;
      if (near) expect(diff(f, near)).toBeLessThan(4);
    }
    const exact = [];
    for await (const f of videoFrames(clip, { fps: 1, size: { width: 80, height: 60 } })) exact.push([f.image.width, f.image.height]);
    expect(exact).toEqual(Array(2 * SECONDS).fill([80, 60]));
  });

  it.skipIf(skipWithoutFfmpeg)("labels the frames in order: the first photo's class before the cut, the second's after it", async () => {
    const results = [];
    for await (const r of classifier.classifyStream(videoFrames(clip, { fps: 2 }), { topK: 1 })) results.push(r);
    expect(results.map((r) => r.frame)).toEqual([...Array(2 * 2 * SECONDS).keys()]);
    const labels = results.map((r) => r.predictions?.[0]?.id);
    expectCut(
      results.map((r) => r.timestamp),
      labels,
      { first: FIRST!.wnid, second: SECOND!.wnid, cutMs: SECONDS * 1000, periodMs: 500 },
    );
  });

  it.skipIf(skipWithoutFfmpeg)('kills ffmpeg when the consumer breaks early', async () => {
    let taken = 0;
    for await (const r of classifier.classifyStream(videoFrames(clip, { fps: 25 }))) {
      expect(r.error).toBeUndefined();
      if (++taken === 2) break;
    }
    expect(children()).toEqual([]);
  });

  it.skipIf(skipWithoutFfmpeg)("ends the stream with ffmpeg's own message for a file it cannot decode (E_IMAGE_DECODE)", async () => {
    const notVideo = join(dir, 'notes.mp4');
    writeFileSync(notVideo, 'these are notes, not a video\n'.repeat(100));
    const stream = classifier.classifyStream(videoFrames(notVideo, { fps: 1 }));
    await expect(stream.next()).rejects.toMatchObject({
      code: 'E_IMAGE_DECODE',
      message: expect.stringMatching(/^ffmpeg could not decode video .*notes\.mp4 \(exit code 1\): .*Invalid data found when processing input/),
    });
    expect(children()).toEqual([]);
  });

  it('says through classifyStream that ffmpeg is missing, and how to get it (E_RUNTIME)', async () => {
    const stream = classifier.classifyStream(videoFrames(INT8_MODEL, { fps: 1, ffmpeg: 'no-such-ffmpeg-here' }));
    await expect(stream.next()).rejects.toMatchObject({ code: 'E_RUNTIME', message: expect.stringContaining('apt-get install ffmpeg') });
  });
});
