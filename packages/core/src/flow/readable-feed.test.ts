import { describe, expect, it, vi } from 'vitest';
import type { LiveFrame } from '../backend.js';
import { isReadableLike, readableFeed } from './readable-feed.js';

function recorder() {
  const frames: LiveFrame<number>[] = [];
  let resolveEnd: (e: { error?: unknown }) => void = () => {};
  const ended = new Promise<{ error?: unknown }>((r) => (resolveEnd = r));
  return {
    frames,
    ended,
    sink: { frame: (f: LiveFrame<number>) => frames.push(f), end: (error?: unknown) => resolveEnd(error === undefined ? {} : { error }) },
  };
}

describe('readableFeed', () => {
  it('reads every chunk as it comes, with its media time, then ends', async () => {
    const stream = new ReadableStream<number>({
      start(c) {
        for (const n of [0, 33_000, 66_000]) c.enqueue(n);
        c.close();
      },
    });
    const r = recorder();
    readableFeed<number>(stream, (us) => us / 1000).start(r.sink);
    expect(await r.ended).toEqual({});
    expect(r.frames.map((f) => [f.input, f.timestamp])).toEqual([
      [0, 0],
      [33_000, 33],
      [66_000, 66],
    ]);
    expect(r.frames.every((f) => typeof f.capturedAt === 'number')).toBe(true);
  });

  it('does not wait for anyone: a source pulled by the feed alone runs ahead (the mailbox drops)', async () => {
    let pulls = 0;
    const stream = new ReadableStream<number>(
      {
        pull(c) {
          pulls++;
          if (pulls > 50) c.close();
          else c.enqueue(pulls);
        },
      },
      { highWaterMark: 0 },
    );
    const r = recorder();
    readableFeed<number>(stream).start(r.sink);
    await r.ended;
    expect(r.frames).toHaveLength(50);
  });

  it('passes a stream error to end', async () => {
    const boom = new Error('decoder died');
    const stream = new ReadableStream<number>({
      start(c) {
        c.enqueue(1);
        c.error(boom);
      },
    });
    const r = recorder();
    readableFeed<number>(stream).start(r.sink);
    expect(await r.ended).toEqual({ error: boom });
  });

  it('stop cancels the stream (its producer learns it), and ends without an error', async () => {
    const cancel = vi.fn();
    const stream = new ReadableStream<number>({ pull: () => new Promise(() => {}), cancel }, { highWaterMark: 0 });
    const r = recorder();
    const feed = readableFeed<number>(stream);
    feed.start(r.sink);
    await feed.stop();
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(await r.ended).toEqual({});
  });

  it('a locked stream ends at once with its error', async () => {
    const stream = new ReadableStream<number>();
    stream.getReader();
    const r = recorder();
    readableFeed<number>(stream).start(r.sink);
    expect((await r.ended).error).toBeInstanceOf(TypeError);
  });

  it('isReadableLike tells streams from iterables', () => {
    expect(isReadableLike(new ReadableStream())).toBe(true);
    expect(isReadableLike([1, 2])).toBe(false);
    expect(isReadableLike(null)).toBe(false);
  });
});
