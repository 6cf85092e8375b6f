// The public API of `onnx-mobilenet` as a Node project sees it (the `node` condition, no DOM lib):
// what each call returns, which inputs and options it takes, and (`@ts-expect-error`) what it refuses.
import { describe, expectTypeOf, it } from 'vitest';
import {
  DEFAULTS,
  MODELS,
  type OnnxMobilenetError,
  cosineSimilarity,
  createClassifier,
  createFewShotClassifier,
  decodeFullImageNode,
  evaluate,
  isOnnxMobilenetError,
  nearestNeighbors,
  type ClassifierOptions,
  type ClassifyOptions,
  type ErrorCode,
  type EvalResult,
  type ModelInfo,
  type NodeClassifier,
  type NodeImageSource,
  type Prediction,
  type RawImage,
  type RawVideoFrame,
  type ResizeMode,
  type StreamResult,
  rawVideoFrames,
  videoFrames,
  type WarningCode,
} from 'onnx-mobilenet';
import * as api from 'onnx-mobilenet';
import { createClassifierWithBackend, type Warn, type WARNING_CODES } from '@onnx-mobilenet/core/adapter';
import { dequantizeModel, isQuantizedModel } from '@onnx-mobilenet/core/graph';
import { predictionsFromLogits, type RESIZE_MODES, softmax, topK } from '@onnx-mobilenet/core/preprocess';
import { nodeBackend } from '@onnx-mobilenet/node/adapter';

declare const classifier: NodeClassifier;
declare const buffer: Buffer;

describe('onnx-mobilenet under the node condition', () => {
  it('createClassifier takes optional options and gives a classifier of Node inputs', () => {
    expectTypeOf(createClassifier).toBeFunction();
    expectTypeOf(createClassifier()).resolves.toEqualTypeOf<NodeClassifier>();
    expectTypeOf(
      createClassifier({ model: 'mobilenetv2-12-int8', labels: 'synset.txt', topK: 3, threads: 2, cacheDir: '/tmp/cache' }),
    ).resolves.toEqualTypeOf<NodeClassifier>();
    expectTypeOf<NodeImageSource>().toEqualTypeOf<string | URL | Uint8Array | ArrayBuffer>();
  });

  it('classify: one input gives Prediction[], an array gives Prediction[][]', () => {
    expectTypeOf(classifier.classify('cat.jpg')).resolves.toEqualTypeOf<Prediction[]>();
    expectTypeOf(classifier.classify(buffer, { topK: 3 })).resolves.toEqualTypeOf<Prediction[]>();
    expectTypeOf(classifier.classify(new URL('file:///cat.jpg'))).resolves.toEqualTypeOf<Prediction[]>();
    expectTypeOf(classifier.classify(['a.jpg', buffer, new URL('file:///c.jpg'), buffer.buffer as ArrayBuffer])).resolves.toEqualTypeOf<Prediction[][]>();
    const raw: RawImage = { data: new Uint8Array(12), width: 2, height: 2, channels: 3 };
    expectTypeOf(classifier.classify([raw])).resolves.toEqualTypeOf<Prediction[][]>();
    expectTypeOf<Prediction>().toEqualTypeOf<{ index: number; id: string; label: string; probability: number }>();
  });

  it('embed, logits and infer give Float32Arrays; the model and labels are read-only facts', () => {
    expectTypeOf(classifier.embed('a.jpg', { normalize: true })).resolves.toEqualTypeOf<Float32Array>();
    expectTypeOf(classifier.logits(buffer)).resolves.toEqualTypeOf<Float32Array>();
    expectTypeOf(classifier.infer('a.jpg')).resolves.toEqualTypeOf<{ predictions: Prediction[]; embedding: Float32Array }>();
    expectTypeOf(classifier.model).toEqualTypeOf<ModelInfo>();
    expectTypeOf(classifier.labels).toExtend<readonly { id: string; label: string }[]>();
    expectTypeOf(classifier.dispose()).resolves.toBeVoid();
  });

  it('options: ClassifyOptions for calls, ClassifierOptions for creation', () => {
    expectTypeOf<{ topK: number; signal: AbortSignal }>().toExtend<ClassifyOptions>();
    expectTypeOf<{ topK: string }>().not.toExtend<ClassifyOptions>();
    expectTypeOf<ClassifierOptions['onProgress']>().toEqualTypeOf<((progress: { url: string; loaded: number; total?: number }) => void) | undefined>();
    expectTypeOf<{ modle: string }>().not.toExtend<ClassifierOptions>();
  });

  it('errors: one class, its codes a closed union, the guard narrows', () => {
    expectTypeOf<ErrorCode>().toEqualTypeOf<
      | 'E_MODEL_LOAD'
      | 'E_MODEL_SHAPE'
      | 'E_MODEL_CHECKSUM'
      | 'E_DOWNLOAD'
      | 'E_LABELS'
      | 'E_IMAGE_DECODE'
      | 'E_INPUT'
      | 'E_NOT_FOUND'
      | 'E_DISPOSED'
      | 'E_INFERENCE'
      | 'E_LIMIT'
      | 'E_CACHE'
      | 'E_FORBIDDEN'
      | 'E_QUEUE'
      | 'E_RUNTIME'
    >();
    expectTypeOf<OnnxMobilenetError['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<OnnxMobilenetError>().toExtend<Error>();
    const err: unknown = undefined;
    if (isOnnxMobilenetError(err)) expectTypeOf(err).toEqualTypeOf<OnnxMobilenetError>();
  });

  it('warnings: codes a closed union made from WARNING_CODES, the only codes an emitter may use', () => {
    expectTypeOf<WarningCode>().toEqualTypeOf<(typeof WARNING_CODES)[number]>();
    expectTypeOf<'ONNX_MOBILENET_INT8'>().toExtend<WarningCode>();
    expectTypeOf<string>().not.toExtend<WarningCode>();
    expectTypeOf<Parameters<Warn>[1]>().toEqualTypeOf<WarningCode>();
    const warn: Warn = () => undefined;
    // @ts-expect-error a code not in WARNING_CODES
    warn('message', 'ONNX_MOBILENET_SOMETHING');
  });

  it('option values: types made from their tuples; the adapter options one set for every adapter', () => {
    expectTypeOf<ResizeMode>().toEqualTypeOf<(typeof RESIZE_MODES)[number]>();
    expectTypeOf<ResizeMode>().toEqualTypeOf<'shorter-side-crop' | 'squash'>();
    // @ts-expect-error not a resize mode
    const stretch: ClassifierOptions = { preprocess: { mode: 'stretch' } };
    void stretch;
    // the browsers' options type-check here too (ignored in Node), so options written once work under every condition
    expectTypeOf(createClassifier({ cacheName: 'models', wasmPaths: '/ort/', imageRoots: ['/srv/photos'] })).resolves.toEqualTypeOf<NodeClassifier>();
  });

  it('the helpers an app uses', () => {
    expectTypeOf(DEFAULTS.topK).toBeNumber();
    expectTypeOf(MODELS['mobilenetv2-7'].sha256).toBeString();
    expectTypeOf(cosineSimilarity).returns.toBeNumber();
    expectTypeOf(nearestNeighbors).toBeFunction();
    expectTypeOf(evaluate(classifier, [{ input: 'a.jpg', label: 'n01440764' }])).resolves.toEqualTypeOf<EvalResult>();
    expectTypeOf(createFewShotClassifier).toBeFunction();
    expectTypeOf(decodeFullImageNode('a.jpg')).resolves.toEqualTypeOf<{ data: Uint8Array; width: number; height: number; channels: 3 }>();
  });

  it('video: videoFrames and rawVideoFrames give timed raw frames that classifyStream takes', () => {
    expectTypeOf(videoFrames('a.mp4', { fps: 2 })).toEqualTypeOf<AsyncIterableIterator<RawVideoFrame>>();
    expectTypeOf(rawVideoFrames(process.stdin, { width: 256, height: 256, fps: 2 })).toEqualTypeOf<AsyncGenerator<RawVideoFrame, void, undefined>>();
    expectTypeOf(classifier.classifyStream(videoFrames('a.mp4', { fps: 2, size: { width: 320, height: 240 } }))).toEqualTypeOf<
      AsyncGenerator<StreamResult, void, undefined>
    >();
    // A WHATWG ReadableStream of inputs is read as a live source (its overloaded getReader included)
    expectTypeOf(classifier.classifyStream(new ReadableStream<string>())).toEqualTypeOf<AsyncGenerator<StreamResult, void, undefined>>();
    // @ts-expect-error fps is required: raw video does not carry its frame rate
    void videoFrames('a.mp4', {});
    // @ts-expect-error ffmpeg's pixel formats other than rgb24, rgba and gray are not read
    void rawVideoFrames(process.stdin, { width: 2, height: 2, fps: 1, pixelFormat: 'yuv420p' });
  });

  it('the subpaths hold what left the app API', () => {
    expectTypeOf(createClassifierWithBackend(nodeBackend, {})).resolves.toEqualTypeOf<NodeClassifier>();
    expectTypeOf(softmax(new Float32Array(3))).toEqualTypeOf<Float32Array>();
    expectTypeOf(topK).returns.toEqualTypeOf<number[]>();
    expectTypeOf(predictionsFromLogits).returns.toEqualTypeOf<Prediction[]>();
    expectTypeOf(dequantizeModel(new Uint8Array())).resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf(isQuantizedModel(new Uint8Array())).resolves.toBeBoolean();
  });

  it('wrong uses do not compile', () => {
    // @ts-expect-error a batch gives one list per image, not one list
    const flat: Promise<Prediction[]> = classifier.classify(['a.jpg', 'b.jpg']);
    // @ts-expect-error a number is not an image
    void classifier.classify(42);
    // @ts-expect-error topK is a number
    void classifier.classify('a.jpg', { topK: '3' });
    // @ts-expect-error no such option
    void createClassifier({ modle: 'mobilenetv2-7' });
    // @ts-expect-error the browser-only Cache Storage name is not in the Node API
    void api.CACHE_NAME;
    // @ts-expect-error adapter plumbing is in @onnx-mobilenet/core/adapter, not the app API
    void api.createClassifierWithBackend;
    // @ts-expect-error the backend is in @onnx-mobilenet/node/adapter
    void api.nodeBackend;
    // @ts-expect-error preprocessing pieces are in @onnx-mobilenet/core/preprocess
    void api.softmax;
    // @ts-expect-error graph tools are in @onnx-mobilenet/core/graph
    void api.dequantizeModel;
    // @ts-expect-error the CLI's helpers are not library API
    void api.loadImageNetSamples;
    void flat;
  });
});
