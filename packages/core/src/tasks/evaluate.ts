import type { Classifier } from '../classifier/classifier.js';
import { now } from '../flow/clock.js';
import { DEFAULTS } from '../options/defaults.js';
import { describeError, isOnnxMobilenetError, OnnxMobilenetError, type ErrorCode } from '../errors/errors.js';
import type { Prediction } from '../predictions/postprocess.js';
import { checkNumber, ownOptions } from '../options/own-options.js';

/** One labelled image: the input and its true class (output index, or id such as a wnid). */
export interface EvalSample<TInput> {
  input: TInput;
  label: number | string;
  /** Shown in per-sample results (a file name, say). */
  name?: string | undefined;
}

/** The outcome for one sample. */
export interface EvalSampleResult {
  name: string;
  expected: { index: number; id: string; label: string };
  top5: Prediction[];
  top1Correct: boolean;
  top5Correct: boolean;
  /** Set when the image could not be classified (it then counts as wrong). */
  error?: { code: ErrorCode; message: string } | undefined;
}

/** Accuracy over a set of samples. */
export interface EvalResult {
  samples: number;
  top1: number;
  top5: number;
  /** top1 / samples, in [0, 1]. */
  top1Accuracy: number;
  top5Accuracy: number;
  errors: number;
  /** Hits per true class id. */
  perClass: Record<string, { samples: number; top1: number; top5: number }>;
  perSample: EvalSampleResult[];
  timing: { totalMs: number; msPerSample: number };
}

/**
 * Top-1 and top-5 accuracy of a classifier over labelled samples, with per-class and per-sample
 * detail. Runs in any environment (Node, browsers): loading the samples is the caller's part.
 * Samples are classified in batches of `batchSize` (default `DEFAULTS.evaluate.batchSize`); one that
 * fails with an `OnnxMobilenetError` (say, it does not decode) counts as wrong and is reported, it does
 * not stop the run.
 *
 * @example
 * ```ts
 * const result = await evaluate(classifier, [{ input: 'tench.jpg', label: 'n01440764' }]);
 * console.log(result.top1Accuracy);
 * ```
 */
export async function evaluate<TInput>(
  classifier: Pick<Classifier<TInput>, 'classify' | 'labels'>,
  samples: readonly EvalSample<TInput>[],
  given?: { batchSize?: number | undefined; onProgress?: ((done: number, total: number) => void) | undefined },
): Promise<EvalResult> {
  // Own properties only, checked: a batchSize of 0 looped for ever
  const options = ownOptions(given, { batchSize: 'number', onProgress: 'function' }, 'evaluate options');
  checkNumber('batchSize', options.batchSize, { max: DEFAULTS.maxBatchSize });
  const labels = classifier.labels;
  const byId = new Map(labels.map((l) => [l.id, l]));
  const expectedOf = (label: number | string, name: string) => {
    const l = typeof label === 'number' ? labels[label] : (byId.get(label) ?? labels.find((x) => x.label === label));
    if (!l) throw new OnnxMobilenetError('E_INPUT', `sample ${name}: unknown class ${JSON.stringify(label)}`);
    return { index: l.index, id: l.id, label: l.label };
  };
  const batchSize = options.batchSize ?? DEFAULTS.evaluate.batchSize;
  const perSample: EvalSampleResult[] = [];
  const started = now();
  for (let i = 0; i < samples.length; i += batchSize) {
    const batch = samples.slice(i, i + batchSize);
    const results = await Promise.all(
      batch.map((s) =>
        classifier.classify(s.input, { topK: DEFAULTS.evaluate.topK }).then(
          (p) => ({ s, predictions: p }),
          (err: unknown) => ({ s, err }),
        ),
      ),
    );
    results.forEach((r, j) => {
      const { s } = r;
      const name = s.name ?? `#${i + j}`;
      const expected = expectedOf(s.label, name);
      if ('err' in r) {
        // Only the library's own failures count as a wrong sample; anything else (a bug) stops the run.
        if (!isOnnxMobilenetError(r.err)) throw r.err;
        perSample.push({ name, expected, top5: [], top1Correct: false, top5Correct: false, error: { code: r.err.code, message: describeError(r.err) } });
        return;
      }
      const top5 = r.predictions;
      perSample.push({ name, expected, top5, top1Correct: top5[0]?.index === expected.index, top5Correct: top5.some((p) => p.index === expected.index) });
    });
    options.onProgress?.(Math.min(i + batchSize, samples.length), samples.length);
  }
  const totalMs = now() - started;
  const perClass: EvalResult['perClass'] = {};
  for (const s of perSample) {
    perClass[s.expected.id] ??= { samples: 0, top1: 0, top5: 0 };
    const c = perClass[s.expected.id]!;
    c.samples++;
    c.top1 += s.top1Correct ? 1 : 0;
    c.top5 += s.top5Correct ? 1 : 0;
  }
  const top1 = perSample.filter((s) => s.top1Correct).length;
  const top5 = perSample.filter((s) => s.top5Correct).length;
  const n = perSample.length;
  return {
    samples: n,
    top1,
    top5,
    top1Accuracy: n ? top1 / n : 0,
    top5Accuracy: n ? top5 / n : 0,
    errors: perSample.filter((s) => s.error).length,
    perClass,
    perSample,
    timing: { totalMs, msPerSample: n ? totalMs / n : 0 },
  };
}
