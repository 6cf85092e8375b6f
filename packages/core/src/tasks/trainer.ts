import type { Classifier } from '../classifier/classifier.js';
import { TRAINING, type TrainingAccess } from '../classifier/training-access.js';
import { OnnxMobilenetError, describeValue } from '../errors/errors.js';
import { now, yieldToEventLoop } from '../flow/clock.js';
import { slots as slotRunner } from '../flow/slots.js';
import type { AugmentOptions } from '../image/augment.js';
import type { PreparedTensor, RawImage } from '../image/image.js';
import { DEFAULTS } from '../options/defaults.js';
import { assertSignal } from '../options/classifier-options.js';
import { checkNumber, ownOptions } from '../options/own-options.js';
import { assertLabelReadsBack } from '../predictions/label-text.js';
import type { EpochProgress, TrainedHead } from './head.js';
import { seededRandom } from './seeded-random.js';
import { fitSoftmaxRegression } from './softmax-regression.js';
import { splitPhotos, type Photo } from './training-split.js';
import { embedViews } from './training-views.js';

export type { AugmentOptions } from '../image/augment.js';

/** How a trainer embeds the photos it is given. */
export interface TrainerOptions {
  /** Augmented views embedded with each photo (default: none). */
  augment?: AugmentOptions | undefined;
  /** Seed of the random crops (default `DEFAULTS.train.seed`). */
  seed?: number | undefined;
}

/** How `train()` fits the head; every field has its default in `DEFAULTS.train`. */
export interface TrainOptions {
  /** Most epochs (passes over the training views). */
  epochs?: number | undefined;
  learningRate?: number | undefined;
  /** Views per Adam step. */
  batchSize?: number | undefined;
  /** L2 penalty on the weights (0 for none). */
  l2?: number | undefined;
  /** Share of each class's photos held out to validate (0 to train on all). A class keeps at least one training photo. */
  validationSplit?: number | undefined;
  /** Epochs without a lower validation loss before stopping early. */
  patience?: number | undefined;
  /** `'balanced'`: each class weighs the same in the loss, whatever its number of photos; `'equal'`: each view does; or a weight per label. */
  classWeights?: 'balanced' | 'equal' | Readonly<Record<string, number>> | undefined;
  /** Seed of the split, the shuffles and so the whole run: the same seed and photos give the same head. */
  seed?: number | undefined;
  /** Called after every epoch. */
  onEpoch?: ((progress: EpochProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/** Trains a classification head for your own classes on a classifier's embeddings, and exports it as one ONNX file. */
export interface Trainer<TInput> {
  /** Embeds a photo (and its augmented views) as an example of `label`. */
  add(input: TInput | RawImage | PreparedTensor, label: string, options?: { signal?: AbortSignal | undefined }): Promise<void>;
  /**
   * The embeddings `add()` would keep for `input` (its plain view, then its augmented views),
   * without keeping them: to reuse one photo's views in several trainings through `addEmbeddings`.
   * Its crops are drawn as an `add()` in its place would draw them.
   */
  views(input: TInput | RawImage | PreparedTensor, options?: { signal?: AbortSignal | undefined }): Promise<Float32Array[]>;
  /** Adds one photo by its embeddings: the plain view first, then any augmented ones. */
  addEmbeddings(embeddings: readonly ArrayLike<number>[], label: string): void;
  /** Photos per label, in the order the labels were first given. */
  labels(): Map<string, number>;
  /** Fits a head on the photos added so far. */
  train(options?: TrainOptions): Promise<TrainedHead>;
  /**
   * One ONNX file: the classifier's model up to its embedding, then the head (see `exportHeadModel`).
   * Its bytes are an `ArrayBuffer`'s, so `new Blob([file])` type-checks against the DOM's types.
   */
  exportModel(head: TrainedHead, options?: { signal?: AbortSignal | undefined }): Promise<Uint8Array<ArrayBuffer>>;
}

const TRAIN_OPTIONS = {
  epochs: 'number',
  learningRate: 'number',
  batchSize: 'number',
  l2: 'number',
  validationSplit: 'number',
  patience: 'number',
  classWeights: 'data',
  seed: 'number',
  onEpoch: 'function',
  signal: 'value',
} as const;

/** Batches of training views embedded at once by one trainer (8 views each: 5 MB of tensors). */
const VIEW_CHUNKS = 4;

/** The seed of a photo's crops: the trainer's seed and the place of its add() or views() call, mixed. */
const photoSeed = (seed: number, place: number): number => (seed ^ Math.imul(place + 1, 0x9e3779b1)) >>> 0;

/**
 * Throws `E_INPUT` unless `label` is a non-empty string that a label list reads back unchanged
 * (not padded with spaces, not a WordNet line such as "n01440764 tench, Tinca tinca", which
 * would come back as "tench"): the exported file's classes must be named as given.
 */
function checkLabel(label: unknown): asserts label is string {
  if (typeof label !== 'string' || label === '') throw new OnnxMobilenetError('E_INPUT', `a label must be a non-empty string, got ${describeValue(label)}`);
  assertLabelReadsBack(label);
}

/** Loss weight per class index, from the `classWeights` option. */
function classWeightsOf(given: TrainOptions['classWeights'], labels: readonly string[], counts: readonly number[]): number[] {
  const mode = given ?? DEFAULTS.train.classWeights;
  if (mode === 'equal') return labels.map(() => 1);
  const total = counts.reduce((a, b) => a + b, 0);
  if (mode === 'balanced') return counts.map((n) => total / (labels.length * Math.max(n, 1)));
  if (typeof mode !== 'object' || mode === null)
    throw new OnnxMobilenetError('E_INPUT', `classWeights must be 'balanced', 'equal' or a weight per label, got ${describeValue(mode)}`);
  for (const key of Object.keys(mode))
    if (!labels.includes(key)) throw new OnnxMobilenetError('E_INPUT', `classWeights names "${key}", which is not a label given to add()`);
  return labels.map((label) => {
    const weight = Object.hasOwn(mode, label) ? (mode[label] ?? 1) : 1;
    checkNumber(`classWeights["${label}"]`, weight, { min: 0, max: 1e6, integer: false });
    return weight;
  });
}

/**
 * A trainer for your own classes: add photos by label, `train()` a softmax head on their
 * embeddings (pure TypeScript, deterministic with a seed), then `exportModel()` one ONNX file that
 * `createClassifier({ model })` loads without a labels file, in Node, browsers, the edge or Python.
 *
 * @example
 * ```ts
 * const trainer = createTrainer(classifier, { augment: { flip: true } });
 * await trainer.add('ripe-1.jpg', 'ripe');
 * await trainer.add('unripe-1.jpg', 'unripe');
 * const head = await trainer.train({ onEpoch: (p) => console.log(p.epoch, p.loss) });
 * console.log(head.report.validationAccuracy);
 * const file = await trainer.exportModel(head); // Uint8Array: write it as mine.onnx
 * ```
 */
export function createTrainer<TInput>(classifier: Pick<Classifier<TInput>, 'embed'>, options?: TrainerOptions): Trainer<TInput> {
  const own = ownOptions(options, { augment: { flip: 'boolean', crops: 'number' }, seed: 'number' }, 'createTrainer options');
  const augment = own.augment ?? {};
  checkNumber('augment.crops', augment.crops, { min: 0, max: 100 });
  checkNumber('seed', own.seed, { min: 0, max: 2 ** 32 - 1 });
  const access = (classifier as { [TRAINING]?: TrainingAccess })[TRAINING];
  const seed = own.seed ?? DEFAULTS.train.seed;
  const augmented = (augment.flip ?? DEFAULTS.train.flip) || (augment.crops ?? DEFAULTS.train.crops) > 0;
  if (augmented && !access) throw new OnnxMobilenetError('E_INPUT', 'augmented views need a classifier made by createClassifier()');
  // One slot per photo, taken when add() is called: the order of the photos (and of the labels, the
  // exported outputs) and each photo's crops follow the calls, not which embedding finished first.
  const slots: (Photo | undefined)[] = [];
  const photos = () => slots.filter((p): p is Photo => p !== undefined);
  // Each call's place (add or views) seeds its crops.
  let calls = 0;
  // Batches of views being embedded at once, across every add(): enough to keep the session busy.
  const viewChunks = slotRunner(VIEW_CHUNKS);
  // Photos being cut into views at once (each holds its resized image, 0.3 MB, until its last batch).
  const photoSlots = slotRunner(2 * VIEW_CHUNKS);
  const views = async (input: unknown, given: { signal?: AbortSignal | undefined } | undefined, place: number): Promise<Float32Array[]> => {
    const { signal } = ownOptions(given, { signal: 'value' }, 'add or views options');
    assertSignal(signal);
    if (!augmented) return [await classifier.embed(input as TInput, { signal })];
    // access checked above; a photo slot bounds the resized photos waiting for their batches
    return photoSlots(signal, () => embedViews(access!, viewChunks, input, augment, seededRandom(photoSeed(seed, place)), signal));
  };
  const fill = (slot: number, embeddings: readonly ArrayLike<number>[], label: string) => {
    if (!Array.isArray(embeddings) || embeddings.length === 0)
      throw new OnnxMobilenetError('E_INPUT', 'addEmbeddings needs one or more embeddings of the photo');
    const size = photos()[0]?.views[0]?.length ?? embeddings[0]?.length;
    embeddings.forEach((e, v) => {
      if (e?.length !== size || !(size! > 0))
        throw new OnnxMobilenetError('E_INPUT', `embedding ${v} of "${label}" has ${String(e?.length)} values, expected ${size}`);
      for (let i = 0; i < e.length; i++)
        if (!Number.isFinite(e[i])) throw new OnnxMobilenetError('E_INPUT', `embedding ${v} of "${label}": value ${i} is ${String(e[i])}`);
    });
    slots[slot] = { label, views: embeddings.map((e) => Float32Array.from(e)) };
  };
  return {
    async add(input, label, given) {
      checkLabel(label);
      const slot = slots.push(undefined) - 1;
      fill(slot, await views(input, given, calls++), label);
    },
    views: (input, given) => views(input, given, calls++),
    addEmbeddings(embeddings, label) {
      checkLabel(label);
      fill(slots.push(undefined) - 1, embeddings, label);
    },
    labels() {
      const counts = new Map<string, number>();
      for (const p of photos()) counts.set(p.label, (counts.get(p.label) ?? 0) + 1);
      return counts;
    },
    async train(given) {
      const o = ownOptions(given, TRAIN_OPTIONS, 'train options');
      assertSignal(o.signal);
      const d = DEFAULTS.train;
      for (const name of ['epochs', 'batchSize', 'patience'] as const) checkNumber(name, o[name], { min: 1, max: 1_000_000 });
      checkNumber('learningRate', o.learningRate, { min: 1e-9, max: 10, integer: false });
      checkNumber('l2', o.l2, { min: 0, max: 1000, integer: false });
      checkNumber('validationSplit', o.validationSplit, { min: 0, max: 0.9, integer: false });
      checkNumber('seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
      const counts = this.labels();
      const labels = [...counts.keys()];
      if (labels.length < 2)
        throw new OnnxMobilenetError('E_INPUT', `training needs photos of two or more labels; it has ${labels.length === 0 ? 'none' : `only "${labels[0]}"`}`);
      const fitRandom = seededRandom(o.seed ?? d.seed);
      const { training, validation } = splitPhotos(photos(), labels, o.validationSplit ?? d.validationSplit, fitRandom);
      const classOf = new Map(labels.map((l, i) => [l, i]));
      const trainViews = training.flatMap((p) => p.views.map((view) => ({ view, y: classOf.get(p.label)! })));
      const perClass = labels.map((_, c) => trainViews.filter((v) => v.y === c).length);
      const weights = classWeightsOf(o.classWeights, labels, perClass);
      if (!perClass.some((n, c) => n > 0 && weights[c]! > 0)) throw new OnnxMobilenetError('E_INPUT', 'classWeights give every training photo the weight 0');
      const started = now();
      const fitted = await fitSoftmaxRegression(
        { features: trainViews.map((v) => v.view), classes: trainViews.map((v) => v.y), weights: trainViews.map((v) => weights[v.y]!) },
        validation.length
          ? {
              features: validation.map((p) => p.views[0]!),
              classes: validation.map((p) => classOf.get(p.label)!),
              weights: validation.map((p) => weights[classOf.get(p.label)!]!),
            }
          : undefined,
        {
          classCount: labels.length,
          epochs: o.epochs ?? d.epochs,
          learningRate: o.learningRate ?? d.learningRate,
          batchSize: o.batchSize ?? d.batchSize,
          l2: o.l2 ?? d.l2,
          patience: o.patience ?? d.patience,
          random: fitRandom,
          onEpoch: o.onEpoch,
          signal: o.signal,
          pause: yieldToEventLoop,
        },
      );
      const confusion = labels.map(() => labels.map(() => 0));
      validation.forEach((p, i) => {
        confusion[classOf.get(p.label)!]![fitted.validationPredicted[i]!]!++;
      });
      const right = validation.filter((p, i) => classOf.get(p.label) === fitted.validationPredicted[i]).length;
      return {
        format: 'onnx-mobilenet-head',
        version: 1,
        labels,
        dimensions: trainViews[0]!.view.length,
        weights: fitted.weights,
        bias: fitted.bias,
        report: {
          epochs: fitted.history.length,
          bestEpoch: fitted.bestEpoch,
          stoppedEarly: fitted.stoppedEarly,
          photos: { training: training.length, validation: validation.length },
          trainingViews: trainViews.length,
          trainingAccuracy: fitted.trainingAccuracy,
          validationAccuracy: validation.length ? right / validation.length : null,
          confusion,
          history: fitted.history,
          milliseconds: now() - started,
        },
      };
    },
    async exportModel(head, given) {
      const { signal } = ownOptions(given, { signal: 'value' }, 'exportModel options');
      assertSignal(signal);
      if (!access)
        throw new OnnxMobilenetError('E_INPUT', 'exportModel needs a classifier made by createClassifier(); with model bytes at hand, call exportHeadModel()');
      const base = await access.modelBytes(signal);
      const { exportHeadModel } = await import('../graph/model-code.js');
      return exportHeadModel(base, head, { preprocess: access.preprocess });
    },
  };
}
