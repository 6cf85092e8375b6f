// videoFrames' child process, with a stand-in ffmpeg (a Node script) that records its arguments and
// pid and then streams frames without end, or stalls: what ffmpeg is given, and that it is killed.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, videoFrames } from '../index.js';
import { INT8_MODEL, SYNSET, assetsReason } from '../../../../test/assets.js';

let dir: string;
let video: string;

const SIZE = 2; // frames of 2x2 RGB: 12 bytes
const BEHAVIOURS = {
  // frames without end, as fast as the pipe takes them
  endless: `const frame = Buffer.alloc(${SIZE * SIZE * 3}, 7);
const write = () => { while (process.stdout.write(frame)); process.stdout.once('drain', write); };
write();`,
  // half a frame, then nothing ever again
  stall: 'process.stdout.write(Buffer.alloc(5)); setInterval(() => {}, 1e9);',
};

/** A stand-in ffmpeg that writes `{ argv, pid }` to `<name>.json`, then behaves as told. */
function fakeFfmpeg(name: keyof typeof BEHAVIOURS): string {
  const path = join(dir, name);
  const record = `require('node:fs').writeFileSync(${JSON.stringify(`${path}.json`)}, JSON.stringify({ argv: process.argv.slice(2), pid: process.pid }));`;
  writeFileSync(path, `#!${process.execPath}\n${record}\n${BEHAVIOURS[name]}\n`);
  chmodSync(path, 0o755);
  return path;
}

function recorded(ffmpeg: string): { argv: string[]; pid: number } {
  return JSON.parse(readFileSync(`${ffmpeg}.json`, 'utf8'));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (bounded, for liveness only) until the stand-in has started and recorded itself. */
async function started(ffmpeg: string): Promise<{ argv: string[]; pid: number }> {
  for (let i = 0; i < 600 && !existsSync(`${ffmpeg}.json`); i++) await new Promise((r) => setTimeout(r, 50));
  return recorded(ffmpeg);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-video-frames-'));
  // a name a shell would run commands from: $(…), ;, quotes and spaces
  mkdirSync(join(dir, 'clips; touch HACKED'));
  video = join(dir, "clips; touch HACKED/my 'clip' $(touch HACKED2).mp4");
  writeFileSync(video, 'the stand-in never reads it');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('videoFrames with a stand-in ffmpeg', () => {
  it('passes the path as one argument (no shell), after file: and the file-only protocol list, with the fps and size filters', async () => {
    const ffmpeg = fakeFfmpeg('endless');
    for await (const frame of videoFrames(video, { ffmpeg, fps: 2.5, size: SIZE })) {
      expect(frame).toMatchObject({ timestamp: 0, image: { width: SIZE, height: SIZE, channels: 3 } });
      break;
    }
    expect(recorded(ffmpeg).argv).toEqual([
      ...['-nostdin', '-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file', '-i', `file:${video}`],
      ...['-an', '-sn', '-dn', '-vf', 'fps=2.5,scale=2:2:force_original_aspect_ratio=increase,crop=2:2', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    ]);
    expect(existsSync(join(dir, 'HACKED'))).toBe(false);
    expect(existsSync(join(dir, 'HACKED2'))).toBe(false);
  });

  it('scales to an exact { width, height } when given one', async () => {
    const ffmpeg = fakeFfmpeg('endless');
    const frames = videoFrames(video, { ffmpeg, fps: 1, size: { width: 4, height: 1 } });
    expect((await frames.next()).value).toMatchObject({ image: { width: 4, height: 1 } });
    await frames.return?.();
    expect(recorded(ffmpeg).argv).toContain('fps=1,scale=4:1');
  });

  it('kills ffmpeg when the loop breaks, and keeps each frame to the consumer pace', async () => {
    const ffmpeg = fakeFfmpeg('endless');
    const times: number[] = [];
    for await (const frame of videoFrames(video, { ffmpeg, fps: 4, size: SIZE })) {
      times.push(frame.timestamp);
      if (times.length === 3) break;
    }
    expect(times).toEqual([0, 250, 500]);
    const { pid } = recorded(ffmpeg);
    expect(alive(pid)).toBe(false);
  });

  it('kills ffmpeg on abort, even while a pull waits for its bytes, and rejects with the reason', async () => {
    const ffmpeg = fakeFfmpeg('stall');
    const controller = new AbortController();
    const frames = videoFrames(video, { ffmpeg, fps: 1, size: SIZE, signal: controller.signal });
    const pending = frames.next();
    const { pid } = await started(ffmpeg);
    controller.abort(new Error('user left'));
    await expect(pending).rejects.toThrow('user left');
    expect(alive(pid)).toBe(false);
    await expect(frames.next()).rejects.toThrow('user left');
  });

  it('kills ffmpeg on return() while a pull waits, and the pull ends', async () => {
    const ffmpeg = fakeFfmpeg('stall');
    const frames = videoFrames(video, { ffmpeg, fps: 1, size: SIZE });
    const pending = frames.next();
    const { pid } = await started(ffmpeg);
    await frames.return?.();
    expect(alive(pid)).toBe(false);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
  });

  it.skipIf(Boolean(assetsReason) && process.env.CI !== 'true')(
    "kills ffmpeg when classifyStream's signal aborts it, though videoFrames was not given the signal",
    async () => {
      const ffmpeg = fakeFfmpeg('stall');
      const classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
      try {
        const controller = new AbortController();
        const pending = classifier.classifyStream(videoFrames(video, { ffmpeg, fps: 1, size: SIZE }), { signal: controller.signal }).next();
        const { pid } = await started(ffmpeg);
        controller.abort(new Error('page closed'));
        await expect(pending).rejects.toThrow('page closed');
        // classifyStream closes its source without waiting for it: wait (bounded) for the kill
        for (let i = 0; i < 600 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
        expect(alive(pid)).toBe(false);
      } finally {
        await classifier.dispose();
      }
    },
  );

  it('stops an ffmpeg that gives no frame within limits.decodeTimeoutMs with E_LIMIT', async () => {
    const ffmpeg = fakeFfmpeg('stall');
    const frames = videoFrames(video, { ffmpeg, fps: 1, size: SIZE, limits: { decodeTimeoutMs: 300 } });
    await expect(frames.next()).rejects.toMatchObject({
      code: 'E_LIMIT',
      message: expect.stringContaining('within limits.decodeTimeoutMs (300 ms); it was stopped'),
    });
    expect(alive(recorded(ffmpeg).pid)).toBe(false);
  });

  it('reports a missing ffmpeg as E_RUNTIME naming the fix', async () => {
    const frames = videoFrames(video, { ffmpeg: join(dir, 'no-such-ffmpeg'), fps: 1 });
    await expect(frames.next()).rejects.toMatchObject({
      code: 'E_RUNTIME',
      message: expect.stringMatching(
        /^cannot run ffmpeg \(.*no-such-ffmpeg\): spawn .*ENOENT\. Fix: install ffmpeg \(Debian\/Ubuntu: apt-get install ffmpeg;.*or pass its path as the 'ffmpeg' option$/,
      ),
    });
  });

  it('reports a missing video as E_NOT_FOUND and a folder as E_INPUT, before running ffmpeg', async () => {
    const ffmpeg = fakeFfmpeg('endless');
    rmSync(`${ffmpeg}.json`, { force: true });
    await expect(videoFrames(join(dir, 'missing.mp4'), { ffmpeg, fps: 1 }).next()).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: `video file not found: ${join(dir, 'missing.mp4')}`,
    });
    await expect(videoFrames(dir, { ffmpeg, fps: 1 }).next()).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('not a regular file'),
    });
    expect(existsSync(`${ffmpeg}.json`)).toBe(false);
  });

  it('checks its options when called: fps, size, and the frame size against limits.maxInputPixels', () => {
    const bad: [unknown, string, RegExp][] = [
      [{}, 'E_INPUT', /needs fps/],
      [{ fps: 0 }, 'E_INPUT', /fps must be a number from 0.001 to 1000/],
      [{ fps: 1, size: 0 }, 'E_INPUT', /size must be an integer from 1 to 65536/],
      [{ fps: 1, size: { width: 10 } }, 'E_INPUT', /size must be a number or \{ width, height \}/],
      [{ fps: 1, signal: { aborted: false } }, 'E_INPUT', /signal must be an AbortSignal, got/],
      [{ fps: 1, size: 4096, limits: { maxInputPixels: 1_000_000 } }, 'E_LIMIT', /4096x4096 \(16777216 pixels\), over limits.maxInputPixels/],
    ];
    for (const [options, code, message] of bad) {
      expect(() => videoFrames(video, options as never)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
    }
    expect(() => videoFrames('', { fps: 1 })).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
