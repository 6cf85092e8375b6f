import { OnnxMobilenetError } from '../errors/errors.js';
import { FIELD, WIRE_LEN } from './onnx-model.js';
import { eachField } from './wire.js';

/**
 * The `metadata_props` key that holds a model's class names, as a JSON array of strings: written
 * by `exportHeadModel`, read by `createClassifier` when no `labels` are given.
 *
 * @example
 * ```py
 * labels = json.loads(session.get_modelmeta().custom_metadata_map["labels"])  # Python's onnxruntime
 * ```
 */
export const LABELS_METADATA_KEY = 'labels';

/** What loading reads of a model file before its session exists. */
export interface ModelFacts {
  /** Class names from `metadata_props` (`labels`: a JSON array of strings), if the file has them. */
  labels: string[] | undefined;
  /** `'probabilities'` where the scores output comes straight from a Softmax, else `'logits'`. */
  scores: 'logits' | 'probabilities';
}

/** Ops between a Softmax and the output that leave its values as they are. */
const PASS_THROUGH = new Set(['Identity', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze']);
const text = new TextDecoder();

/**
 * Reads whether a model ends in a Softmax and, when `maxLabelBytes` is given (the caller passed no
 * labels of its own), its class names, from its protobuf wire format without decoding the graph
 * (its tensors are skipped by length). A `labels` entry over `maxLabelBytes` is `E_LIMIT`; one that
 * is not a JSON array of strings is `E_LABELS`.
 */
export async function readModelFacts(bytes: Uint8Array, maxLabelBytes?: number): Promise<ModelFacts> {
  const { ModelProto, StringStringEntryProto, GraphProto, NodeProto, ValueInfoProto } = FIELD;
  let labelsText: string | undefined;
  const producers = new Map<string, { opType: string; input: string }>();
  let output: string | undefined;
  const strings = (message: Uint8Array, wanted: Record<number, (value: Uint8Array) => void>) =>
    eachField(message, (field, wire, reader) => {
      const take = wanted[field];
      if (!take || wire !== WIRE_LEN) return false;
      take(reader.bytes());
      return true;
    });
  strings(bytes, {
    [ModelProto.metadataProps]: (entry) => {
      let key = '';
      let value: Uint8Array = new Uint8Array();
      strings(entry, { [StringStringEntryProto.key]: (k) => (key = text.decode(k)), [StringStringEntryProto.value]: (v) => (value = v) });
      if (key !== LABELS_METADATA_KEY || maxLabelBytes === undefined) return;
      if (value.byteLength > maxLabelBytes) {
        throw new OnnxMobilenetError(
          'E_LIMIT',
          `the model's "${LABELS_METADATA_KEY}" metadata has ${value.byteLength} bytes, over limits.maxLabelBytes (${maxLabelBytes})`,
        );
      }
      labelsText = text.decode(value);
    },
    [ModelProto.graph]: (graph) =>
      strings(graph, {
        [GraphProto.node]: (node) => {
          let opType = '';
          const inputs: string[] = [];
          const outputs: string[] = [];
          strings(node, {
            [NodeProto.opType]: (v) => (opType = text.decode(v)),
            [NodeProto.input]: (v) => inputs.push(text.decode(v)),
            [NodeProto.output]: (v) => outputs.push(text.decode(v)),
          });
          for (const o of outputs) producers.set(o, { opType, input: inputs[0] ?? '' });
        },
        [GraphProto.output]: (info) => {
          if (output === undefined) strings(info, { [ValueInfoProto.name]: (v) => (output = text.decode(v)) });
        },
      }),
  });
  let node = producers.get(output ?? '');
  for (let steps = 0; node && PASS_THROUGH.has(node.opType) && steps < 16; steps++) node = producers.get(node.input);
  return { labels: labelsText === undefined ? undefined : parseLabelsMetadata(labelsText), scores: node?.opType === 'Softmax' ? 'probabilities' : 'logits' };
}

function parseLabelsMetadata(value: string): string[] {
  let labels: unknown;
  try {
    labels = JSON.parse(value);
  } catch {
    labels = undefined;
  }
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string')) {
    throw new OnnxMobilenetError(
      'E_LABELS',
      `the model's "${LABELS_METADATA_KEY}" metadata is not a JSON array of class names; pass labels to createClassifier`,
    );
  }
  return labels;
}
