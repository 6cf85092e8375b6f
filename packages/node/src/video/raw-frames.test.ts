import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { rawVideoFrames } from '../index.js';

const W = 4;
const H = 3;
const FRAME = W * H * 3;

/** `frames` frames of distinct bytes (byte i is i mod 251), as one buffer. */
function video(frames: number): Uint8Array {
  return Uint8Array.from({ length: frames * FRAME }, (_, i) => i % 251);
}

/** A source that yields `bytes` in chunks of `size` and counts every pull and whether it was closed. */
function countingSource(bytes: Uint8Array, size: number) {
  const state = { pulls: 0, closed: false };
  async function* chunks() {
    try {
      for (let at = 0; at < bytes.length; at += size) {
        state.pulls++;
        // a copy each time, as a pipe delivers fresh buffers
        yield bytes.slice(at, at + size);
      }
      state.pulls++; // the pull that found the end
    } finally {
      state.closed = true;
    }
  }
  return { state, source: chunks() };
}

/** A source that never yields (a stalled pipe), recording whether it was closed. */
function silentSource() {
  const state = { closed: false };
  const silent: AsyncIterator<Uint8Array> & AsyncIterable<Uint8Array> = {
    next: () => new Promise(() => {}),
    return: async () => {
      state.closed = true;
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return { state, silent };
}

describe('rawVideoFrames', () => {
  it('cuts chunks of any size into whole frames with their own bytes and timestamps from fps', async () => {
    const bytes = video(5);
    for (const size of [1, 7, FRAME, FRAME + 5, 3 * FRAME, bytes.length]) {
      const { source } = countingSource(bytes, size);
      const frames = [];
      for await (const f of rawVideoFrames(source, { width: W, height: H, fps: 4 })) frames.push(f);
      expect(frames.map((f) => f.timestamp)).toEqual([0, 250, 500, 750, 1000]);
      frames.forEach((f, i) => {
        expect(f.image).toMatchObject({ width: W, height: H, channels: 3 });
        expect(f.image.data).toEqual(bytes.subarray(i * FRAME, (i + 1) * FRAME));
      });
      // each frame owns its bytes: none is a view of another frame's or a chunk's buffer
      expect(new Set(frames.map((f) => f.image.data.buffer)).size).toBe(5);
      expect(frames.every((f) => f.image.data.byteLength === f.image.data.buffer.byteLength)).toBe(true);
    }
  });

  it('never reads ahead of the consumer: each frame pulls only the chunks it needs, nothing while the consumer waits', async () => {
    const size = 10; // not a divisor of FRAME (36): frames straddle chunks
    const { state, source } = countingSource(video(6), size);
    const frames = rawVideoFrames(source, { width: W, height: H, fps: 1 });
    expect(state.pulls).toBe(0); // nothing is read before the first pull
    for (let k = 1; k <= 6; k++) {
      const step = await frames.next();
      expect(step.done).toBe(false);
      // the chunks that hold frames 0..k-1, and not one more
      expect(state.pulls).toBe(Math.ceil((k * FRAME) / size));
      for (let i = 0; i < 20; i++) await tick();
      expect(state.pulls).toBe(Math.ceil((k * FRAME) / size));
    }
    expect((await frames.next()).done).toBe(true);
    expect(state.closed).toBe(true);
  });

  it('takes several frames from one large chunk before pulling again', async () => {
    const { state, source } = countingSource(video(6), 3 * FRAME);
    const frames = rawVideoFrames(source, { width: W, height: H, fps: 1 });
    for (let k = 1; k <= 3; k++) await frames.next();
    expect(state.pulls).toBe(1);
    await frames.next();
    expect(state.pulls).toBe(2);
  });

  it('reads a Node Readable, and stops it on break (the source is destroyed)', async () => {
    const readable = Readable.from([Buffer.from(video(3))], { objectMode: false });
    const seen = [];
    for await (const f of rawVideoFrames(readable, { width: W, height: H, fps: 2 })) {
      seen.push(f.timestamp);
      break;
    }
    expect(seen).toEqual([0]);
    expect(readable.destroyed).toBe(true);
  });

  it('refuses a trailing partial frame with E_INPUT, after the whole frames before it', async () => {
    const bytes = video(2).subarray(0, 2 * FRAME - 5);
    const { state, source } = countingSource(bytes, 8);
    const frames = rawVideoFrames(source, { width: W, height: H, fps: 1 });
    expect((await frames.next()).done).toBe(false);
    await expect(frames.next()).rejects.toMatchObject({
      code: 'E_INPUT',
      message: `raw video ended inside frame 1: ${FRAME - 5} of its ${FRAME} bytes (4x3, 3 bytes a pixel); the stream's frames are not of that size, or its producer stopped early`,
    });
    expect(state.closed).toBe(true);
  });

  it('checks width x height against limits.maxInputPixels before it reads or allocates anything', () => {
    const { state, source } = countingSource(video(1), 8);
    expect(() => rawVideoFrames(source, { width: 4000, height: 3000, fps: 1, limits: { maxInputPixels: 10_000_000 } })).toThrow(
      expect.objectContaining({ code: 'E_LIMIT', message: expect.stringContaining('4000x3000 (12000000 pixels), over limits.maxInputPixels (10000000)') }),
    );
    // the default limit (100 million pixels) refuses a size no video has before a 300 GB frame is tried
    expect(() => rawVideoFrames(source, { width: 100_000, height: 1_000_000, fps: 1 })).toThrow(expect.objectContaining({ code: 'E_LIMIT' }));
    expect(state.pulls).toBe(0);
  });

  it('refuses missing or invalid sizes, rates, formats and sources with E_INPUT naming them', () => {
    const chunks = [new Uint8Array(FRAME)];
    const bad: [unknown, unknown, RegExp][] = [
      [chunks, { width: W, height: H }, /needs fps/],
      [chunks, { height: H, fps: 1 }, /needs width/],
      [chunks, { width: 0, height: H, fps: 1 }, /width must be a positive integer/],
      [chunks, { width: W, height: 2.5, fps: 1 }, /height must be a positive integer/],
      [chunks, { width: W, height: H, fps: Number.POSITIVE_INFINITY }, /fps must be a number from 0.001 to 1000/],
      [chunks, { width: W, height: H, fps: 1, pixelFormat: 'yuv420p' }, /pixelFormat must be one of 'rgb24', 'rgba', 'gray'/],
      ['not a stream', { width: W, height: H, fps: 1 }, /needs a stream or \(async\) iterable of byte chunks/],
      [chunks, { width: W, height: H, fps: 1, signal: 'stop' }, /signal must be an AbortSignal, got/],
    ];
    for (const [source, options, message] of bad) {
      expect(() => rawVideoFrames(source as never, options as never)).toThrow(
        expect.objectContaining({ code: 'E_INPUT', message: expect.stringMatching(message) }),
      );
    }
  });

  it('reads rgba and gray frames by their channel count', async () => {
    const rgba = [];
    for await (const f of rawVideoFrames([new Uint8Array(2 * W * H * 4)], { width: W, height: H, fps: 1, pixelFormat: 'rgba' })) rgba.push(f.image);
    expect(rgba.map((i) => [i.channels, i.data.length])).toEqual([
      [4, W * H * 4],
      [4, W * H * 4],
    ]);
    const gray = [];
    for await (const f of rawVideoFrames([new Uint8Array(W * H)], { width: W, height: H, fps: 1, pixelFormat: 'gray' })) gray.push(f.image.channels);
    expect(gray).toEqual([1]);
  });

  it('reports a source that fails or yields text as E_INPUT, and says to leave the encoding unset', async () => {
    async function* failing() {
      yield new Uint8Array(FRAME);
      throw new Error('pipe broke');
    }
    const frames = rawVideoFrames(failing(), { width: W, height: H, fps: 1 });
    await frames.next();
    await expect(frames.next()).rejects.toMatchObject({ code: 'E_INPUT', message: 'the raw video source failed in frame 1: pipe broke' });
    const text = Readable.from(['abc']);
    await expect(rawVideoFrames(text, { width: W, height: H, fps: 1 }).next()).rejects.toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('leave the encoding unset'),
    });
  });

  it('rejects a pull waiting on a silent source with the signal reason, and closes the source', async () => {
    const { state, silent } = silentSource();
    const controller = new AbortController();
    const pending = rawVideoFrames(silent, { width: W, height: H, fps: 1, signal: controller.signal }).next();
    controller.abort(new Error('stop now'));
    await expect(pending).rejects.toThrow('stop now');
    expect(state.closed).toBe(true);
  });

  it('ends a pull waiting on a silent source at return(), and closes the source', async () => {
    const { state, silent } = silentSource();
    const frames = rawVideoFrames(silent, { width: W, height: H, fps: 1 });
    const pending = frames.next();
    await expect(frames.return()).resolves.toEqual({ done: true, value: undefined });
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(state.closed).toBe(true);
  });
});
