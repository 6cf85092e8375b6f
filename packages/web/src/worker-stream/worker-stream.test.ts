// streamToWorker and serveStream against each other over an in-memory message pair (no browser):
// the credit protocol, latest frame wins with the replaced frames closed, the page's counts,
// errors with their codes, and stopping. Chromium runs the real thing (test/browser/worker-stream.test.ts).
import { OnnxMobilenetError, type ClassifyStreamOptions, type StreamResult, type TimedInput } from '@onnx-mobilenet/core';
import { describe, expect, it } from 'vitest';
import type { MessageEndpoint } from './protocol.js';
import { serveStream } from './serve-stream.js';
import { streamToWorker } from './stream-to-worker.js';

class FakeFrame {
  closed = 0;
  constructor(
    readonly name: string,
    readonly timestamp: number,
  ) {}
  close() {
    this.closed++;
  }
}

/** Two endpoints whose messages arrive on the other side in a later task, like a Worker's. */
function messagePair(): [MessageEndpoint, MessageEndpoint] {
  const sides = [new EventTarget(), new EventTarget()];
  const endpoint = (own: EventTarget, other: EventTarget): MessageEndpoint => ({
    postMessage: (data) => void setTimeout(() => other.dispatchEvent(new MessageEvent('message', { data }))),
    addEventListener: (type, listener) => own.addEventListener(type, listener as EventListener),
    removeEventListener: (type, listener) => own.removeEventListener(type, listener as EventListener),
  });
  return [endpoint(sides[0]!, sides[1]!), endpoint(sides[1]!, sides[0]!)];
}

/** A classifier whose every frame waits for `release()`; it labels a frame with its name. */
function gatedClassifier(fail?: OnnxMobilenetError) {
  const gates: (() => void)[] = [];
  const seen: string[] = [];
  return {
    seen,
    release: () => gates.shift()?.(),
    pending: () => gates.length,
    classifyStream(source: AsyncIterable<TimedInput<VideoFrame>>, _options?: ClassifyStreamOptions): AsyncGenerator<StreamResult, void, undefined> {
      if (fail) throw fail;
      return (async function* () {
        let frame = 0;
        for await (const item of source) {
          const name = (item.image as unknown as FakeFrame).name;
          seen.push(name);
          await new Promise<void>((resolve) => gates.push(resolve));
          yield { frame: frame++, timestamp: item.timestamp, latencyMs: 1, dropped: 0, predictions: [{ index: 0, id: name, label: name, probability: 1 }] };
        }
      })();
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
async function until(condition: () => boolean) {
  for (let i = 0; i < 200 && !condition(); i++) await tick();
  expect(condition()).toBe(true);
}

describe('streamToWorker with serveStream', () => {
  it('sends only the latest frame when the worker asks, closes the replaced ones and counts them as dropped', async () => {
    const [page, worker] = messagePair();
    const classifier = gatedClassifier();
    const stop = serveStream(classifier as never, worker);
    let camera!: ReadableStreamDefaultController<FakeFrame>;
    const frames = Array.from({ length: 6 }, (_, i) => new FakeFrame(`f${i}`, i * 33_000));
    const source = new ReadableStream<FakeFrame>({
      start: (c) => {
        camera = c;
      },
    });
    const results = streamToWorker(source as never, page);
    const first = results.next();
    camera.enqueue(frames[0]!);
    await until(() => classifier.pending() === 1);
    // The worker is busy with f0: f1..f4 replace each other on the page
    for (const f of frames.slice(1, 5)) camera.enqueue(f);
    await tick();
    expect(frames.slice(1, 4).map((f) => f.closed)).toEqual([1, 1, 1]);
    expect(frames[4]!.closed).toBe(0);
    classifier.release();
    const r0 = (await first).value as StreamResult;
    expect(r0).toMatchObject({ frame: 0, dropped: 0, timestamp: 0, predictions: [{ label: 'f0' }] });
    expect(r0.latencyMs).toBeGreaterThan(0);
    const second = results.next();
    await until(() => classifier.pending() === 1);
    classifier.release();
    expect((await second).value).toMatchObject({ frame: 4, dropped: 3, timestamp: 132, predictions: [{ label: 'f4' }] });
    expect(classifier.seen).toEqual(['f0', 'f4']);
    // break: the page stops, the worker closes what it holds and ends
    camera.enqueue(frames[5]!);
    await results.return();
    await until(() => frames.every((f) => f.closed >= 1));
    expect(frames.map((f) => f.closed)).toEqual([1, 1, 1, 1, 1, 1]);
    stop();
  });

  it('ends when the source ends, after the frame in the worker has come back', async () => {
    const [page, worker] = messagePair();
    const classifier = gatedClassifier();
    serveStream(Promise.resolve(classifier as never), worker);
    const frames = [new FakeFrame('a', 0)];
    const source = new ReadableStream<FakeFrame>({
      start: (c) => {
        c.enqueue(frames[0]!);
        c.close();
      },
    });
    const collected: StreamResult[] = [];
    const done = (async () => {
      for await (const r of streamToWorker(source as never, page)) collected.push(r);
    })();
    await until(() => classifier.pending() === 1);
    classifier.release();
    await done;
    expect(collected.map((r) => r.predictions?.[0]?.label)).toEqual(['a']);
    expect(frames[0]!.closed).toBe(1);
  });

  it("rejects with the worker's error code when its stream cannot start, and with the signal's reason on abort", async () => {
    const [page, worker] = messagePair();
    serveStream(gatedClassifier(new OnnxMobilenetError('E_INPUT', 'unknown class in allow: "unicorn"')) as never, worker);
    const refused = streamToWorker(new ReadableStream() as never, page, { allow: ['unicorn'] }).next();
    await expect(refused).rejects.toMatchObject({ code: 'E_INPUT', message: 'unknown class in allow: "unicorn"' });

    const [page2, worker2] = messagePair();
    const classifier = gatedClassifier();
    serveStream(classifier as never, worker2);
    const frame = new FakeFrame('x', 0);
    const controller = new AbortController();
    const pending = streamToWorker(new ReadableStream({ start: (c) => c.enqueue(frame) }) as never, page2, { signal: controller.signal }).next();
    await until(() => classifier.pending() === 1);
    controller.abort(new Error('user left'));
    await expect(pending).rejects.toThrow('user left');
    // The frame in use is closed once its classification returns (this fake does not abort a run)
    expect(frame.closed).toBe(0);
    classifier.release();
    await until(() => frame.closed >= 1);
  });

  it('refuses a source it cannot read at the call, with E_INPUT', () => {
    const [page] = messagePair();
    expect(() => streamToWorker('/video.mp4' as never, page)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });

  it('refuses bad options at the call (E_INPUT naming them), before the camera is read', () => {
    const [page] = messagePair();
    for (const [options, named] of [
      [{ maxFps: 0 }, 'maxFps'],
      [{ smoothing: 2 }, 'smoothing'],
      [{ signal: {} }, 'signal'],
    ] as const) {
      expect(() => streamToWorker(new ReadableStream() as never, page, options as never)).toThrow(
        expect.objectContaining({ code: 'E_INPUT', message: expect.stringContaining(named) }),
      );
    }
  });

  it('rejects with E_RUNTIME when the worker fails (its script did not load or threw), instead of waiting forever', async () => {
    const target = new EventTarget();
    const deadWorker: MessageEndpoint = {
      postMessage: () => {},
      addEventListener: (type, listener) => target.addEventListener(type, listener as EventListener),
      removeEventListener: (type, listener) => target.removeEventListener(type, listener as EventListener),
    };
    const frame = new FakeFrame('x', 0);
    const pending = streamToWorker(new ReadableStream({ start: (c) => c.enqueue(frame) }) as never, deadWorker).next();
    await tick();
    target.dispatchEvent(Object.assign(new Event('error'), { message: 'Uncaught SyntaxError: Unexpected token' }));
    await expect(pending).rejects.toMatchObject({ code: 'E_RUNTIME', message: expect.stringContaining('Unexpected token') });
    await until(() => frame.closed === 1); // the frame it held is closed
  });

  it('starts a MessagePort-like endpoint on both sides, and a source that dies is E_INPUT', async () => {
    const [page, worker] = messagePair();
    const starts = { page: 0, worker: 0 };
    serveStream(gatedClassifier() as never, { ...worker, start: () => void starts.worker++ });
    const source = new ReadableStream({ start: (c) => c.error(new TypeError('camera unplugged')) });
    const pending = streamToWorker(source as never, { ...page, start: () => void starts.page++ }).next();
    await expect(pending).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('camera unplugged') });
    expect(starts).toEqual({ page: 1, worker: 1 });
  });
});
