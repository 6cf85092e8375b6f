// The public API of `onnx-mobilenet` as a browser project sees it (default conditions, DOM lib):
// browser inputs, the same results as in Node, and (`@ts-expect-error`) what it refuses.
import { describe, expectTypeOf, it } from 'vitest';
import {
  CACHE_NAME,
  createClassifier,
  isOnnxMobilenetError,
  type ClassifierOptions,
  type ErrorCode,
  type Prediction,
  type StreamResult,
  type WebClassifier,
  type WebImageSource,
  type WebLiveSource,
} from 'onnx-mobilenet';
import * as api from 'onnx-mobilenet';

declare const classifier: WebClassifier;
declare const image: HTMLImageElement;
declare const blob: Blob;
declare const bitmap: ImageBitmap;

describe('onnx-mobilenet in the browser', () => {
  it('createClassifier gives a classifier of browser inputs', () => {
    expectTypeOf(createClassifier()).resolves.toEqualTypeOf<WebClassifier>();
    expectTypeOf(createClassifier({ model: '/models/m.onnx', wasmPaths: '/ort/', onProgress: (p) => void p.loaded })).resolves.toEqualTypeOf<WebClassifier>();
    expectTypeOf(CACHE_NAME).toBeString();
    expectTypeOf(createClassifier({ cacheName: 'my-models', cacheDir: '/ignored/in/browsers' })).resolves.toEqualTypeOf<WebClassifier>();
  });

  it('takes images, blobs, bitmaps, canvases and URLs; one input gives Prediction[], an array Prediction[][]', () => {
    expectTypeOf<HTMLImageElement>().toExtend<WebImageSource>();
    expectTypeOf<Blob>().toExtend<WebImageSource>();
    expectTypeOf<ImageBitmap>().toExtend<WebImageSource>();
    expectTypeOf<OffscreenCanvas>().toExtend<WebImageSource>();
    expectTypeOf<ImageData>().toExtend<WebImageSource>();
    expectTypeOf<string>().toExtend<WebImageSource>();
    expectTypeOf(classifier.classify(image)).resolves.toEqualTypeOf<Prediction[]>();
    expectTypeOf(classifier.classify(blob, { topK: 3 })).resolves.toEqualTypeOf<Prediction[]>();
    expectTypeOf(classifier.classify([image, blob, bitmap, '/photos/cat.jpg'])).resolves.toEqualTypeOf<Prediction[][]>();
    expectTypeOf(classifier.embed(bitmap)).resolves.toEqualTypeOf<Float32Array>();
  });

  it('classifyStream reads a <video>, a camera stream or track, and a stream of VideoFrames', () => {
    const video = document.createElement('video');
    const camera = new MediaStream();
    const [track] = camera.getVideoTracks();
    const frames = new ReadableStream<VideoFrame>();
    expectTypeOf<MediaStreamTrack>().toExtend<WebLiveSource>();
    expectTypeOf(classifier.classifyStream(video)).toEqualTypeOf<AsyncGenerator<StreamResult, void, undefined>>();
    expectTypeOf(classifier.classifyStream(camera, { maxFps: 15, smoothing: 0.5 })).toEqualTypeOf<AsyncGenerator<StreamResult, void, undefined>>();
    expectTypeOf(classifier.classifyStream(track!, { signal: AbortSignal.timeout(1000) })).toEqualTypeOf<AsyncGenerator<StreamResult, void, undefined>>();
    expectTypeOf(classifier.classifyStream(frames)).toEqualTypeOf<AsyncGenerator<StreamResult, void, undefined>>();
    expectTypeOf(classifier.classifyStream([blob, bitmap])).toEqualTypeOf<AsyncGenerator<StreamResult, void, undefined>>();
    // @ts-expect-error an audio element is no video source
    void classifier.classifyStream(document.createElement('audio'));
  });

  it('errors carry the same codes', () => {
    const err: unknown = undefined;
    if (isOnnxMobilenetError(err)) expectTypeOf(err.code).toEqualTypeOf<ErrorCode>();
  });

  it('wrong uses do not compile', () => {
    // @ts-expect-error a batch gives one list per image
    const flat: Promise<Prediction[]> = classifier.classify([image]);
    // @ts-expect-error a number is not an image
    void classifier.classify(42);
    // @ts-expect-error no such option
    const typo: ClassifierOptions = { modle: 'x' };
    // @ts-expect-error the Node-only full-size decoder is not in the browser API
    void api.decodeFullImageNode;
    // @ts-expect-error the backend is in @onnx-mobilenet/web/adapter
    void api.createWebBackend;
    void [flat, typo];
  });

  it('streamToWorker reads a camera into a Worker that serves a WebClassifier (or its promise), with the stream results', () => {
    const worker = {} as Worker;
    const camera = {} as MediaStream;
    expectTypeOf(api.streamToWorker(camera, worker, { topK: 1, maxFps: 10 })).toEqualTypeOf<AsyncGenerator<api.StreamResult, void, undefined>>();
    expectTypeOf(api.streamToWorker({} as HTMLVideoElement, worker)).toEqualTypeOf<AsyncGenerator<api.StreamResult, void, undefined>>();
    expectTypeOf(api.serveStream(createClassifier())).toEqualTypeOf<() => void>();
    expectTypeOf(api.serveStream(classifier)).toEqualTypeOf<() => void>();
    // @ts-expect-error a URL is no live source: classifyStream takes iterables of those
    api.streamToWorker('/video.mp4', worker);
  });

  it('a trainer on a WebClassifier takes browser images, and its exported file makes a Blob to save', async () => {
    const trainer = api.createTrainer(classifier, { augment: { flip: true, crops: 2 } });
    expectTypeOf(trainer.add).parameter(0).toEqualTypeOf<WebImageSource | api.RawImage | api.PreparedTensor>();
    const file = await trainer.exportModel(await trainer.train());
    expectTypeOf(new Blob([file])).toEqualTypeOf<Blob>();
  });
});
