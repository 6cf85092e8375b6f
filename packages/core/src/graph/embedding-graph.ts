import { OnnxMobilenetError } from '../errors/errors.js';
import { EMBEDDING_OUTPUT } from './model-io.js';
import { messageFactory, type GraphProto, type ModelProto, type NodeProto } from './onnx-model.js';

/** Ops between the classifier and the graph's output that only rescale, clip or reshape scores. */
const AFTER_CLASSIFIER = new Set([
  'Identity',
  'Clip',
  'Add',
  'QLinearAdd',
  'Relu',
  'Flatten',
  'Reshape',
  'Squeeze',
  'DequantizeLinear',
  'QuantizeLinear',
  'Softmax',
]);
/** The final classifier: a matrix product or a 1×1 convolution over the pooled features. */
const CLASSIFIERS = new Set(['Gemm', 'MatMul', 'Conv', 'QLinearMatMul', 'QLinearConv', 'QGemm']);
/** Ops between the pooling and the classifier that only reshape or (de)quantize. */
const BEFORE_CLASSIFIER = new Set(['Identity', 'Clip', 'Flatten', 'Reshape', 'Squeeze', 'DequantizeLinear', 'QuantizeLinear', 'Dropout']);
const POOLS = new Set(['GlobalAveragePool', 'QLinearGlobalAveragePool', 'ReduceMean', 'AveragePool']);

/**
 * Adds the pooled feature vector (the global average pool's output, the input of the final
 * classifier) as an extra graph output named {@link EMBEDDING_OUTPUT}, found by structure: from the
 * scores output back through clips, adds and reshapes to the classifier (Gemm, MatMul, 1×1 Conv or
 * their quantized forms), whose data input must come from a global average pool. For a quantized
 * classifier the feature is dequantized with the classifier's own input scale. Returns the feature
 * size, or throws `E_MODEL_SHAPE` naming where the search stopped.
 */
export async function addEmbeddingOutput(model: ModelProto): Promise<{ name: string; size: number }> {
  const graph = model.graph!;
  const make = await messageFactory();
  const { classifier, feature, quantized, size } = findPooledFeature(model);
  const name = freshName(graph, EMBEDDING_OUTPUT);
  graph.node.push(pooledFeatureNode(make, { classifier, feature, quantized }, name));
  // Element type only: the feature may be N×C or N×C×1×1 depending on the exporter.
  graph.output.push(make.valueInfo({ name, type: { tensorType: { elemType: 1 } } }));
  return { name, size };
}

/**
 * What the search for the pooled feature reads of a graph: a decoded `GraphProto`, or the outline
 * a wire scan makes of one without decoding its tensors (`embedding-splice.ts`).
 */
export interface GraphOutline {
  node: (Pick<NodeProto, 'name' | 'opType' | 'input' | 'output'> & { attribute: { name: string; i: bigint }[] })[];
  initializer: { name: string; dims: bigint[] }[];
  input: { name: string }[];
  output: { name: string }[];
  valueInfo: { name: string }[];
}
type OutlineNode = GraphOutline['node'][number];

/** Where the pooled feature vector is: the final classifier node, its feature input, whether it is quantized, and the feature size. */
export interface PooledFeature<N extends OutlineNode = NodeProto> {
  classifier: N;
  feature: string;
  quantized: boolean;
  size: number;
}

/** The node that makes the pooled feature a float tensor named `name`: an Identity, or for a quantized classifier a DequantizeLinear with its input scale and zero point. */
export function pooledFeatureNodeFields(
  { classifier, feature, quantized }: Omit<PooledFeature<OutlineNode>, 'size'>,
  name: string,
): Pick<NodeProto, 'opType' | 'input' | 'output' | 'name'> {
  return quantized
    ? { opType: 'DequantizeLinear', input: [feature, ...classifier.input.slice(1, 3)], output: [name], name }
    : { opType: 'Identity', input: [feature], output: [name], name };
}

/** {@link pooledFeatureNodeFields} as a message. */
export function pooledFeatureNode(make: Awaited<ReturnType<typeof messageFactory>>, pooled: Omit<PooledFeature, 'size'>, name: string): NodeProto {
  return make.node(pooledFeatureNodeFields(pooled, name));
}

/**
 * Finds the pooled feature vector by structure (see {@link addEmbeddingOutput}), or throws
 * `E_MODEL_SHAPE` naming where the search stopped.
 */
export function findPooledFeature<G extends GraphOutline = GraphProto>(model: { graph?: G | undefined }): PooledFeature<G['node'][number]> {
  const graph = model.graph!;
  type N = G['node'][number];
  const inits = new Map(graph.initializer.map((t) => [t.name, t]));
  const producer = new Map<string, N>();
  for (const n of graph.node as N[]) for (const o of n.output) producer.set(o, n);
  const dataInput = (n: N) => n.input.find((i) => i && !inits.has(i)) ?? n.input[0] ?? '';
  const fail = (where: string) =>
    new OnnxMobilenetError(
      'E_MODEL_SHAPE',
      `cannot find the pooled feature vector for embed(): ${where}; embeddings need a global average pool feeding the final classifier`,
    );

  let node = producer.get(graph.output[0]?.name ?? '');
  for (let steps = 0; node && AFTER_CLASSIFIER.has(node.opType) && steps < 32; steps++) node = producer.get(dataInput(node));
  if (!node || !CLASSIFIERS.has(node.opType)) throw fail(`the scores come from ${node ? node.opType : 'no node'}, not a Gemm, MatMul or Conv classifier`);
  const classifier = node;
  const feature = classifier.input[0];
  if (!feature) throw fail(`the ${classifier.opType} classifier has no input`);

  let pool = producer.get(feature);
  for (let steps = 0; pool && BEFORE_CLASSIFIER.has(pool.opType) && steps < 16; steps++) pool = producer.get(dataInput(pool));
  if (!pool || !POOLS.has(pool.opType)) throw fail(`the ${classifier.opType} classifier reads ${pool ? pool.opType : 'a graph input'}, not a pooling`);

  const quantized = classifier.opType.startsWith('Q');
  const weight = inits.get(classifier.input[quantized ? 3 : 1] ?? '');
  if (!weight) throw fail(`the ${classifier.opType} classifier has no constant weights`);
  const dims = weight.dims.map(Number);
  const transB = Number(classifier.attribute.find((a) => a.name === 'transB')?.i ?? 0) !== 0; // int64 attributes read as bigint
  const size = /Conv/.test(classifier.opType) ? dims[1] : classifier.opType.endsWith('Gemm') && transB ? dims[1] : dims[0];
  if (!(size !== undefined && Number.isSafeInteger(size) && size > 0))
    throw fail(`the ${classifier.opType} classifier's weights have the shape [${dims.join(', ')}]`);
  return { classifier, feature, quantized, size };
}

/** `base`, or `base_1`, `base_2`... : the first name no tensor, node or graph input/output of the graph uses. */
export function freshName(graph: GraphOutline, base: string): string {
  const taken = new Set<string>([
    ...graph.node.flatMap((n) => [n.name, ...n.input, ...n.output]),
    ...graph.initializer.map((t) => t.name),
    ...graph.input.map((v) => v.name),
    ...graph.output.map((v) => v.name),
    ...graph.valueInfo.map((v) => v.name),
  ]);
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}
