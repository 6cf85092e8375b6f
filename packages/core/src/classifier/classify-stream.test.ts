import { describe, expect, it, vi } from 'vitest';
import type { OnnxMobilenetError } from '../errors/errors.js';
import { softmax } from '../predictions/postprocess.js';
import type { StreamResult } from './classify-stream.js';
import { filled } from '../../../../test/fake-backend.js';
import { type Frame, LIVE, name, streamClassifier } from '../../../../test/fake-stream.js';

const top = (r: StreamResult) => r.predictions?.[0]?.label;

describe('classifyStream over iterables', () => {
  it('classifies each item in order, one pull per result, releasing each item', async () => {
    const { classifier, released } = await streamClassifier();
    const items = [filled(0.1), filled(0.3), filled(0.7)];
    let pulled = 0;
    function* source() {
      for (const item of items) {
        pulled++;
        yield item;
      }
    }
    const results: StreamResult[] = [];
    for await (const r of classifier.classifyStream(source(), { topK: 1 })) {
      expect(pulled).toBe(r.frame + 1); // the consumer's pull is the backpressure
      results.push(r);
    }
    expect(results.map((r) => [r.frame, top(r), r.dropped])).toEqual([
      [0, 'class1', 0],
      [1, 'class3', 0],
      [2, 'class7', 0],
    ]);
    expect(released).toEqual(items.map(name));
    expect(results.every((r) => r.latencyMs >= 0 && r.timestamp >= 0)).toBe(true);
  });

  it('does not smooth items of an iterable by default: each result is what classify gives', async () => {
    const { classifier } = await streamClassifier();
    const results = [];
    for await (const r of classifier.classifyStream([filled(0.2), filled(0.8)], { topK: 10 })) results.push(r.predictions);
    expect(results[1]).toEqual(await classifier.classify(filled(0.8), { topK: 10 }));
  });

  it('smooths when asked, as the moving average worked by hand', async () => {
    const { classifier } = await streamClassifier();
    const p = (v: number) => softmax(Array.from({ length: 10 }, (_, k) => -Math.abs(k - 10 * v)));
    const [a, b] = [p(0.2), p(0.8)];
    const results = [];
    for await (const r of classifier.classifyStream([filled(0.2), filled(0.8)], { topK: 10, smoothing: 0.75 })) results.push(r.predictions!);
    const class8 = results[1]!.find((x) => x.index === 8)!.probability;
    expect(class8).toBeCloseTo(0.75 * a[8]! + 0.25 * b[8]!, 6);
    expect(results[1]![0]!.label).toBe('class2'); // the past still outweighs one frame
  });

  it('a failing item is a result with its error; the stream goes on', async () => {
    const { classifier, released } = await streamClassifier();
    const results: StreamResult[] = [];
    for await (const r of classifier.classifyStream([filled(0.1), 'broken.jpg', filled(0.4)], { topK: 1 })) results.push(r);
    expect(results.map((r) => [r.frame, top(r) ?? (r.error as OnnxMobilenetError).code])).toEqual([
      [0, 'class1'],
      [1, 'E_IMAGE_DECODE'],
      [2, 'class4'],
    ]);
    expect(released).toContain('broken.jpg');
  });

  it("carries { image, timestamp } items' media time", async () => {
    const { classifier } = await streamClassifier();
    const stamps = [];
    for await (const r of classifier.classifyStream([
      { image: filled(0.1), timestamp: 1000 },
      { image: filled(0.2), timestamp: 1040 },
    ]))
      stamps.push(r.timestamp);
    expect(stamps).toEqual([1000, 1040]);
  });

  it('a source that throws ends the stream with E_INPUT, after the results before it', async () => {
    const { classifier } = await streamClassifier();
    async function* source() {
      yield filled(0.1);
      throw new Error('disk gone');
    }
    const seen: number[] = [];
    const err = await (async () => {
      for await (const r of classifier.classifyStream(source())) seen.push(r.frame);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([0]);
    expect(err).toMatchObject({ code: 'E_INPUT' });
    expect((err as Error).message).toContain('disk gone');
  });

  it('maxFps spaces the pulls by at least 1/maxFps', async () => {
    const { classifier } = await streamClassifier();
    const stamps: number[] = [];
    for await (const r of classifier.classifyStream([filled(0.1), filled(0.2), filled(0.3)], { maxFps: 20 })) stamps.push(r.timestamp);
    expect(stamps[1]! - stamps[0]!).toBeGreaterThanOrEqual(48);
    expect(stamps[2]! - stamps[1]!).toBeGreaterThanOrEqual(48);
  });

  it('an abort while the source produces rejects with the reason and releases the late item', async () => {
    const { classifier, released } = await streamClassifier();
    const controller = new AbortController();
    let deliver: (v: IteratorResult<Frame>) => void = () => {};
    const late = filled(0.5);
    const source: AsyncIterable<Frame> = { [Symbol.asyncIterator]: () => ({ next: () => new Promise((r) => (deliver = r)) }) };
    const it = classifier.classifyStream(source, { signal: controller.signal });
    const next = it.next();
    await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(next).rejects.toMatchObject({ name: 'AbortError' });
    deliver({ done: false, value: late });
    await new Promise((r) => setTimeout(r, 5));
    expect(released).toEqual([name(late)]);
  });
});

describe('classifyStream over live sources', () => {
  it('the latest frame wins: frames arriving during a run are released at once and counted as dropped', async () => {
    const { classifier, released, live } = await streamClassifier({ runDelayMs: 30 });
    const it = classifier.classifyStream(LIVE, { topK: 1, smoothing: 0 });
    const first = it.next();
    await vi.waitFor(() => expect(live.state.sink).toBeDefined());
    const frames = [0.1, 0.2, 0.3, 0.4, 0.5].map(filled);
    live.push(frames[0]!);
    await new Promise((r) => setTimeout(r, 5)); // frame 0 is being classified
    for (const f of frames.slice(1)) live.push(f);
    expect(released).toEqual(frames.slice(1, 4).map(name)); // 1, 2 and 3 replaced by newer ones, never queued
    const r0 = (await first).value as StreamResult;
    const r1 = (await it.next()).value as StreamResult;
    expect([r0.frame, top(r0), r0.dropped]).toEqual([0, 'class1', 0]);
    expect([r1.frame, top(r1), r1.dropped]).toEqual([4, 'class5', 3]);
    await it.return();
    expect(released).toHaveLength(5); // each frame exactly once
    expect(new Set(released).size).toBe(5);
    expect(live.state.stops).toBe(1);
  });

  it('smooths live frames by default (DEFAULTS.liveSmoothing = 0.5)', async () => {
    const { classifier, live } = await streamClassifier();
    const it = classifier.classifyStream(LIVE, { topK: 10 });
    const p = (v: number) => softmax(Array.from({ length: 10 }, (_, k) => -Math.abs(k - 10 * v)));
    const first = it.next();
    await vi.waitFor(() => expect(live.state.sink).toBeDefined());
    live.push(filled(0.2));
    await first;
    const second = it.next();
    live.push(filled(0.6));
    const r = (await second).value as StreamResult;
    expect(r.predictions!.find((x) => x.index === 6)!.probability).toBeCloseTo(0.5 * p(0.2)[6]! + 0.5 * p(0.6)[6]!, 6);
    await it.return();
  });

  it("keeps the feed's media time, index and capture time", async () => {
    const { classifier, live } = await streamClassifier();
    const it = classifier.classifyStream(LIVE);
    const first = it.next();
    await vi.waitFor(() => expect(live.state.sink).toBeDefined());
    live.push(filled(0.3), { timestamp: 2500, index: 75, capturedAt: performance.now() - 40 });
    const r = (await first).value as StreamResult;
    expect([r.frame, r.timestamp, r.dropped]).toEqual([75, 2500, 75]);
    expect(r.latencyMs).toBeGreaterThanOrEqual(40);
    await it.return();
  });

  it('ends when the source ends, and rejects with E_INPUT when it dies', async () => {
    const a = await streamClassifier();
    const it = a.classifier.classifyStream(LIVE);
    const first = it.next();
    await vi.waitFor(() => expect(a.live.state.sink).toBeDefined());
    a.live.push(filled(0.1));
    a.live.end();
    expect((await first).done).toBe(false);
    expect((await it.next()).done).toBe(true);
    expect(a.live.state.stops).toBe(1);
    const b = await streamClassifier();
    const dying = b.classifier.classifyStream(LIVE);
    const n = dying.next();
    await vi.waitFor(() => expect(b.live.state.sink).toBeDefined());
    b.live.end(new Error('track failed'));
    await expect(n).rejects.toMatchObject({ code: 'E_INPUT' });
    expect(b.live.state.stops).toBe(1);
  });

  it('an abort stops within the frame in flight: rejects with the reason, stops the feed, releases every frame', async () => {
    const { classifier, live, released } = await streamClassifier({ runDelayMs: 20 });
    const controller = new AbortController();
    const it = classifier.classifyStream(LIVE, { signal: controller.signal });
    const first = it.next();
    await vi.waitFor(() => expect(live.state.sink).toBeDefined());
    const frames = [filled(0.1), filled(0.2), filled(0.3)];
    live.push(frames[0]!);
    live.push(frames[1]!);
    controller.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    live.push(frames[2]!); // the camera is still sending after the abort
    expect(live.state.stops).toBe(1);
    expect(new Set(released)).toEqual(new Set(frames.map(name)));
  });

  it('reads a ReadableStream as a live source (latest wins)', async () => {
    const { classifier, released } = await streamClassifier({ runDelayMs: 20 });
    const frames = [0.1, 0.2, 0.3, 0.9].map(filled);
    const stream = new ReadableStream<Frame>({
      async start(c) {
        c.enqueue(frames[0]!);
        await new Promise((r) => setTimeout(r, 5));
        for (const f of frames.slice(1)) c.enqueue(f);
        c.close();
      },
    });
    const results: StreamResult[] = [];
    for await (const r of classifier.classifyStream(stream, { topK: 1, smoothing: 0 })) results.push(r);
    expect(results.map((r) => [r.frame, top(r), r.dropped])).toEqual([
      [0, 'class1', 0],
      [3, 'class9', 2],
    ]);
    expect(new Set(released)).toEqual(new Set(frames.map(name)));
  });
});
