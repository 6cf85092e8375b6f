import { OnnxMobilenetError } from '../errors/errors.js';
import { ownOptions } from '../options/own-options.js';
import { assertLabelReadsBack } from '../predictions/label-text.js';
import { findPooledFeature, freshName, pooledFeatureNode } from './embedding-graph.js';
import { LABELS_METADATA_KEY } from './model-facts.js';
import { AttributeType, DataType, decodeModel, encodeModel, messageFactory, type GraphProto, type NodeProto, type TensorProto } from './onnx-model.js';
import { float32Bytes } from './tensor-data.js';

/** A linear classification head over a model's pooled embedding: `softmax(weights · embedding + bias)`. */
export interface HeadLayer {
  /** Class names, in output order; written to the file's `metadata_props` as `labels`. */
  labels: readonly string[];
  /** Length of the embedding the head reads. */
  dimensions: number;
  /** `labels.length × dimensions` values, row-major (one row per class). */
  weights: ArrayLike<number>;
  /** `labels.length` values. */
  bias: ArrayLike<number>;
}

/** Metadata key of the preprocessing the head was trained with (JSON), for tools outside onnx-mobilenet. */
export const PREPROCESS_METADATA_KEY = 'onnx_mobilenet.preprocess';

/** Throws `E_INPUT` naming what is wrong with a head: its labels, sizes or values. */
export function checkHead(head: HeadLayer): void {
  const bad = (why: string) => new OnnxMobilenetError('E_INPUT', `not a trained head: ${why}`);
  const { labels, dimensions, weights, bias } = head ?? ({} as HeadLayer);
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string' && l !== ''))
    throw bad('labels must be two or more non-empty strings');
  if (new Set(labels).size !== labels.length) throw bad('labels must differ from each other');
  labels.forEach(assertLabelReadsBack);
  if (!(Number.isSafeInteger(dimensions) && dimensions > 0)) throw bad(`dimensions must be a positive integer, got ${String(dimensions)}`);
  if (weights?.length !== labels.length * dimensions) throw bad(`weights must have ${labels.length} × ${dimensions} values, got ${String(weights?.length)}`);
  if (bias?.length !== labels.length) throw bad(`bias must have ${labels.length} values, got ${String(bias?.length)}`);
  for (const [name, values] of [
    ['weights', weights],
    ['bias', bias],
  ] as const) {
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw bad(`${name}[${i}] is ${String(values[i])}`);
  }
}

/**
 * Keeps only the nodes, initializers, value infos and graph inputs that `roots` need (graph inputs
 * too: an older exporter lists every initializer as an input, and an input left without its
 * initializer is one more input the model asks for).
 */
function prune(graph: GraphProto, roots: readonly string[]): void {
  const needed = new Set(roots);
  const keep = new Set<NodeProto>();
  // Backwards: ONNX lists nodes in topological order, so every consumer comes before its producers here.
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const n = graph.node[i]!;
    if (!n.output.some((o) => needed.has(o))) continue;
    keep.add(n);
    for (const input of n.input) needed.add(input);
  }
  graph.node = graph.node.filter((n) => keep.has(n));
  graph.initializer = graph.initializer.filter((t) => needed.has(t.name));
  graph.valueInfo = graph.valueInfo.filter((v) => needed.has(v.name));
  graph.input = graph.input.filter((v, i) => i === 0 || needed.has(v.name));
  graph.output = [];
}

/** The make functions of {@link messageFactory}. */
type Make = Awaited<ReturnType<typeof messageFactory>>;

/** What a classifier over the flattened embedding adds before the Softmax: its nodes, initializers and scores output. */
export interface EmbeddingTail {
  nodes: NodeProto[];
  initializers: TensorProto[];
  scores: string;
}

/**
 * The base graph up to its pooled embedding (found as `embed()` finds it; an int8 base stays int8,
 * its embedding dequantized with the old classifier's own input scale), then Flatten, the tail
 * `build` makes from the flattened embedding, and Softmax (axis 1) as the one output
 * `probabilities` (N × classes). The base's old classifier and everything only it used are dropped
 * first, so the new names are free again (a file exported from an exported file still has an output
 * named "probabilities"). `labels` go in `metadata_props` as `labels` (a JSON array), and
 * `preprocess` (if given) as `onnx_mobilenet.preprocess`. `fix` ends the message for embeddings of
 * another size.
 */
export async function exportOnEmbedding(
  base: Uint8Array,
  labels: readonly string[],
  dimensions: number,
  fix: string,
  build: (make: Make, name: (wanted: string) => string, flat: string, opset: number) => EmbeddingTail,
  options?: { preprocess?: object | undefined },
): Promise<Uint8Array<ArrayBuffer>> {
  const { preprocess } = ownOptions(options, { preprocess: 'object' }, 'export options');
  const model = await decodeModel(base);
  const graph = model.graph!;
  const pooled = findPooledFeature(model);
  if (pooled.size !== dimensions) throw new OnnxMobilenetError('E_MODEL_SHAPE', `the base model's embeddings have ${pooled.size} values; the ${fix}`);
  prune(graph, [pooled.feature, ...(pooled.quantized ? pooled.classifier.input.slice(1, 3) : [])]);
  const make = await messageFactory();
  const taken = new Set<string>();
  const name = (wanted: string) => {
    let fresh = freshName(graph, wanted);
    for (let i = 1; taken.has(fresh); i++) fresh = freshName(graph, `${wanted}_${i}`);
    taken.add(fresh);
    return fresh;
  };
  const [feature, flat] = [name('embedding'), name('embedding_flat')];
  const opset = Number(model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 1);
  const tail = build(make, name, flat, opset);
  const probabilities = name('probabilities');
  const int = (attribute: string, i: number) => [make.attribute({ name: attribute, i, type: AttributeType.INT })];
  graph.node.push(
    pooledFeatureNode(make, pooled, feature),
    make.node({ opType: 'Flatten', input: [feature], output: [flat], name: flat, attribute: int('axis', 1) }),
    ...tail.nodes,
    make.node({ opType: 'Softmax', input: [tail.scores], output: [probabilities], name: probabilities, attribute: int('axis', 1) }),
  );
  graph.initializer.push(...tail.initializers);
  const batch = graph.input[0]?.type?.tensorType?.shape?.dim[0];
  const batchDim = batch?.dimValue ? { dimValue: Number(batch.dimValue) } : { dimParam: batch?.dimParam || 'batch_size' };
  const dims = [batchDim, { dimValue: labels.length }];
  graph.output = [make.valueInfo({ name: probabilities, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims } } } })];
  const metadata = [
    make.metadata({ key: LABELS_METADATA_KEY, value: JSON.stringify(labels) }),
    ...(preprocess ? [make.metadata({ key: PREPROCESS_METADATA_KEY, value: JSON.stringify(preprocess) })] : []),
  ];
  const replaced = new Set(metadata.map((m) => m.key));
  model.metadataProps = [...model.metadataProps.filter((m) => !replaced.has(m.key)), ...metadata];
  model.producerName = 'onnx-mobilenet';
  return (await encodeModel(model)) as Uint8Array<ArrayBuffer>;
}

/**
 * One ONNX file from a base model and a trained head: the base graph up to its pooled embedding
 * (found as `embed()` finds it; an int8 base stays int8, its embedding dequantized with the
 * classifier's own input scale), then Flatten, Gemm (the head's weights, `transB = 1`) and Softmax
 * as the one output `probabilities` (N × classes). The base's old classifier and everything only it
 * used are dropped. The class names go in `metadata_props` as `labels` (a JSON array), so
 * `createClassifier({ model })` needs no labels file and other tools can read them, and `preprocess`
 * (if given) as `onnx_mobilenet.preprocess`.
 *
 * @example
 * ```ts
 * const file = await exportHeadModel(baseModelBytes, head, { preprocess: classifier.preprocessOptions });
 * ```
 */
export async function exportHeadModel(base: Uint8Array, head: HeadLayer, options?: { preprocess?: object | undefined }): Promise<Uint8Array<ArrayBuffer>> {
  checkHead(head);
  const classes = head.labels.length;
  const build = (make: Make, name: (wanted: string) => string, flat: string): EmbeddingTail => {
    const [weights, bias, scores] = [name('head_weight'), name('head_bias'), name('head_scores')];
    return {
      nodes: [
        make.node({
          opType: 'Gemm',
          input: [flat, weights, bias],
          output: [scores],
          name: scores,
          attribute: [make.attribute({ name: 'transB', i: 1, type: AttributeType.INT })],
        }),
      ],
      initializers: [
        make.tensor({ name: weights, dims: [classes, head.dimensions], dataType: DataType.FLOAT, rawData: float32Bytes(head.weights) }),
        make.tensor({ name: bias, dims: [classes], dataType: DataType.FLOAT, rawData: float32Bytes(head.bias) }),
      ],
      scores,
    };
  };
  return exportOnEmbedding(base, head.labels, head.dimensions, `head reads ${head.dimensions}: train it on this model`, build, options);
}
