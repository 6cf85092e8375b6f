// A classifier on the fake model for classifyStream's tests: a live source driven by hand, a
// decoder that fails on strings, and the inputs it released, by name.
import type { ClassifierBackend, LiveFeedSink } from '../packages/core/src/backend.js';
import { createClassifierWithBackend } from '../packages/core/src/classifier/classifier.js';
import { OnnxMobilenetError } from '../packages/core/src/errors/errors.js';
import type { PreparedTensor } from '../packages/core/src/image/image.js';
import { fakeBackend, LABELS, model } from './fake-backend.js';

export type Frame = PreparedTensor | string;

/** A live source the test drives by hand: `push` delivers a frame, `end` ends it. */
export function manualFeed() {
  const state = { sink: undefined as LiveFeedSink<Frame> | undefined, stops: 0 };
  const feed = {
    start(sink: LiveFeedSink<Frame>) {
      state.sink = sink;
    },
    stop() {
      state.stops++;
    },
  };
  return { state, feed, push: (input: Frame, extra = {}) => state.sink!.frame({ input, ...extra }), end: (error?: unknown) => state.sink!.end(error) };
}

export const LIVE = Symbol('camera');

/** A classifier on the fake model (top class = round(10·v)) whose decoder fails on strings, records releases, and knows one live source. */
export async function streamClassifier(opts: { runDelayMs?: number } = {}) {
  const { backend } = fakeBackend(opts);
  const released: string[] = [];
  const live = manualFeed();
  const decoder = {
    open: async (input: unknown) => {
      throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode ${String(input)}`);
    },
    release: (input: Frame) => void released.push(name(input)),
  };
  const withStream = {
    ...backend,
    decoder,
    live: { open: (source: unknown) => (source === LIVE ? live.feed : undefined) },
  } as unknown as ClassifierBackend<Frame>;
  const classifier = await createClassifierWithBackend<Frame, typeof LIVE>(withStream, { model, labels: LABELS });
  return { classifier, released, live };
}

/** A frame by its fill value (`0.3`) or its string: a failure message never prints 150,528 floats. */
export const name = (input: Frame) => (typeof input === 'string' ? input : input.data[0]!.toFixed(1));
