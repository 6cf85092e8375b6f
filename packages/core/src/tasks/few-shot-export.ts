import { OnnxMobilenetError } from '../errors/errors.js';
import { examplesFromJSON, type FewShotJSON } from './few-shot.js';
import { exportOnEmbedding } from '../graph/head-graph.js';
import { AttributeType, DataType } from '../graph/onnx-model.js';
import { float32Bytes, int64Bytes } from '../graph/tensor-data.js';
import { l2Normalize } from '../predictions/similarity.js';
import { assertLabelReadsBack } from '../predictions/label-text.js';

/** How sharp the exported few-shot probabilities are: `softmax(scale × nearest cosine similarity per class)`. */
export const FEW_SHOT_SCALE = 20;

/**
 * One ONNX file from a base model and a saved few-shot classifier (`fewShot.toJSON()`): the base
 * graph up to its pooled embedding (an int8 base stays int8), then the nearest example of each
 * class by cosine similarity (LpNormalization, MatMul with the examples, a per-class mask,
 * ReduceMax) and Softmax of `FEW_SHOT_SCALE` × those similarities as the output `probabilities`
 * (N × classes). Its top class is the 1-nearest neighbour's label (`predict(input, { k: 1 })`); the
 * probabilities rank the classes but are not calibrated. Labels go in `metadata_props` as for
 * {@link exportHeadModel}. Runs on every opset MobileNetV2 files use (7 and up). The file grows by
 * 4 bytes × dimensions per example (5 KB for MobileNetV2).
 *
 * @example
 * ```ts
 * const file = await exportFewShotModel(baseModelBytes, fewShot.toJSON(), { preprocess: classifier.preprocessOptions });
 * ```
 */
export async function exportFewShotModel(base: Uint8Array, json: FewShotJSON, options?: { preprocess?: object | undefined }): Promise<Uint8Array<ArrayBuffer>> {
  // Normalised here too: a hand-written file's long example would pass the other classes' mask.
  const examples = examplesFromJSON(json).map((e) => ({ label: e.label, embedding: l2Normalize(e.embedding) }));
  const labels = [...new Set(examples.map((e) => e.label))];
  if (labels.length < 2) throw new OnnxMobilenetError('E_INPUT', `a few-shot model needs examples of two or more labels; it has ${labels.length}`);
  labels.forEach(assertLabelReadsBack);
  const n = examples.length;
  const dims = json.dimensions;
  // examples as a dims × n matrix (columns), and per class 0 on its own examples, -4 elsewhere (below any cosine)
  const columns = new Float32Array(dims * n);
  examples.forEach((e, j) => {
    for (let d = 0; d < dims; d++) columns[d * n + j] = e.embedding[d]!;
  });
  const mask = new Float32Array(labels.length * n);
  labels.forEach((label, c) => {
    examples.forEach((e, j) => {
      mask[c * n + j] = e.label === label ? 0 : -4;
    });
  });
  return exportOnEmbedding(
    base,
    labels,
    dims,
    `few-shot examples have ${dims}: make them with this model`,
    (make, name, flat, opset) => {
      const [unit, examplesT, similar, rowShape, row, maskName, masked, nearest, axes, scale, scores] = [
        'few_shot_unit',
        'few_shot_examples',
        'few_shot_similarity',
        'few_shot_row_shape',
        'few_shot_rows',
        'few_shot_class_mask',
        'few_shot_masked',
        'few_shot_nearest',
        'few_shot_axes',
        'few_shot_scale',
        'few_shot_scores',
      ].map(name) as string[];
      const int = (attr: string, i: number) => make.attribute({ name: attr, i, type: AttributeType.INT });
      // ReduceMax takes its axes as an attribute up to opset 17, as an input from 18.
      const axesAsInput = opset >= 18;
      const reduce = make.node({
        opType: 'ReduceMax',
        input: axesAsInput ? [masked!, axes!] : [masked!],
        output: [nearest!],
        name: nearest!,
        attribute: [int('keepdims', 0), ...(axesAsInput ? [] : [make.attribute({ name: 'axes', ints: [2], type: AttributeType.INTS })])],
      });
      return {
        nodes: [
          make.node({ opType: 'LpNormalization', input: [flat], output: [unit!], name: unit!, attribute: [int('axis', 1), int('p', 2)] }),
          make.node({ opType: 'MatMul', input: [unit!, examplesT!], output: [similar!], name: similar! }),
          make.node({ opType: 'Reshape', input: [similar!, rowShape!], output: [row!], name: row! }),
          make.node({ opType: 'Add', input: [row!, maskName!], output: [masked!], name: masked! }),
          reduce,
          make.node({ opType: 'Mul', input: [nearest!, scale!], output: [scores!], name: scores! }),
        ],
        initializers: [
          make.tensor({ name: examplesT!, dims: [dims, n], dataType: DataType.FLOAT, rawData: float32Bytes(columns) }),
          make.tensor({ name: rowShape!, dims: [3], dataType: DataType.INT64, rawData: int64Bytes([-1, 1, n]) }),
          make.tensor({ name: maskName!, dims: [labels.length, n], dataType: DataType.FLOAT, rawData: float32Bytes(mask) }),
          ...(axesAsInput ? [make.tensor({ name: axes!, dims: [1], dataType: DataType.INT64, rawData: int64Bytes([2]) })] : []),
          make.tensor({ name: scale!, dims: [], dataType: DataType.FLOAT, rawData: float32Bytes([FEW_SHOT_SCALE]) }),
        ],
        scores: scores!,
      };
    },
    options,
  );
}
