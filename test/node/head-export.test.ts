// The exported head model (base graph + Gemm + Softmax) run by onnxruntime-node, against
// probabilities computed by hand from the base's embedding; its graph; its metadata labels.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, createTrainer, type NodeClassifier, type TrainedHead } from '@onnx-mobilenet/node';
import { exportHeadModel, type HeadLayer } from '@onnx-mobilenet/core/graph';
import { decodeModel, type ModelProto } from '../../packages/core/src/graph/onnx-model.js';
import { maxDifference, probabilitiesOf } from '../head-probabilities.js';
import { EMBEDDING_SIZE, FP32_MODEL, IMAGENET_CLASSES, INT8_MODEL, SYNSET, describeWithAssets, photo } from '../assets.js';

const LABELS = ['first', 'second', 'third'];
// Class 0 reads embedding value 7 (×2); class 1 reads value 100 (×-1) and 1000 (×1.5); class 2 is its bias alone.
const PICKS: [number, number, number][] = [
  [0, 7, 2],
  [1, 100, -1],
  [1, 1000, 1.5],
];
const BIAS = [0.25, -0.5, 0.75];

function handHead(): HeadLayer {
  const weights = new Float32Array(LABELS.length * EMBEDDING_SIZE);
  for (const [c, d, w] of PICKS) weights[c * EMBEDDING_SIZE + d] = w;
  return { labels: LABELS, dimensions: EMBEDDING_SIZE, weights, bias: Float32Array.from(BIAS) };
}

/** softmax(W·e + b) for the hand head, written out term by term. */
function handProbabilities(e: Float32Array): number[] {
  const scores = [BIAS[0]! + 2 * e[7]!, BIAS[1]! - e[100]! + 1.5 * e[1000]!, BIAS[2]!];
  const top = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((x) => x / total);
}

/** The ops from the global average pool to the output, following each node's data input back. */
function opsAfterPool(model: ModelProto): string[] {
  const graph = model.graph!;
  const inits = new Set(graph.initializer.map((t) => t.name));
  const producer = new Map(graph.node.flatMap((n) => n.output.map((o) => [o, n] as const)));
  const ops: string[] = [];
  for (let n = producer.get(graph.output[0]!.name); n && !/GlobalAveragePool$/.test(n.opType); n = producer.get(n.input.find((i) => !inits.has(i))!)) {
    ops.unshift(n.opType);
  }
  return ops;
}

/** Names of the base's own classifier: the nodes reading a 1000-class initializer, and all nodes after them. */
function oldClassifierNodes(model: ModelProto): Set<string> {
  const graph = model.graph!;
  const wide = new Set(graph.initializer.filter((t) => t.dims.map(Number).includes(IMAGENET_CLASSES)).map((t) => t.name));
  const tainted = new Set<string>(wide);
  const names = new Set<string>();
  for (const n of graph.node) {
    if (!n.input.some((i) => tainted.has(i))) continue;
    names.add(n.name);
    for (const o of n.output) tainted.add(o);
  }
  return names;
}

describeWithAssets('exported head model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'head-export-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, basePath] of [
    ['int8', INT8_MODEL],
    ['fp32', FP32_MODEL],
  ] as const) {
    let base: NodeClassifier;
    let file: Uint8Array;
    let path: string;
    beforeAll(async () => {
      base = await createClassifier({ model: basePath, labels: SYNSET, precision: 'model' });
      file = await exportHeadModel(readFileSync(basePath), handHead(), { preprocess: base.preprocessOptions });
      path = join(dir, `${name}.onnx`);
      writeFileSync(path, file);
    });
    afterAll(() => base?.dispose());

    it(`${name}: gives softmax(W·embedding + b) computed by hand from the base's embedding, within 1e-5`, async () => {
      const mine = await createClassifier({ model: path, precision: 'model' });
      expect(mine.labels.map((l) => l.label)).toEqual(LABELS);
      for (const i of [0, 13, 40]) {
        const tensor = { data: await base.prepare(photo(i).path), dims: [1, 3, 224, 224] };
        const expected = handProbabilities(await base.embed(tensor));
        expect(Math.max(...expected)).toBeLessThan(0.999); // the picked values move the scores
        expect(maxDifference(await probabilitiesOf(mine, tensor), expected)).toBeLessThan(1e-5);
      }
      await mine.dispose();
    });

    it(`${name}: base graph up to the pool, then ${name === 'int8' ? 'DequantizeLinear' : 'Identity'} → Flatten → Gemm → Softmax and nothing of the old classifier`, async () => {
      const [before, after] = [await decodeModel(readFileSync(basePath)), await decodeModel(file)];
      // the base's own ops between the pool and its classifier (Clip, Reshape) stay, then the head's
      const ops = opsAfterPool(after);
      expect(ops.slice(-4)).toEqual([name === 'int8' ? 'DequantizeLinear' : 'Identity', 'Flatten', 'Gemm', 'Softmax']);
      expect(ops.slice(0, -4).every((op) => op === 'Clip' || op === 'Reshape')).toBe(true);
      const oldHead = oldClassifierNodes(before);
      expect(oldHead.size).toBeGreaterThan(0);
      expect(after.graph!.node.filter((n) => oldHead.has(n.name)).map((n) => `${n.opType} ${n.name}`)).toEqual([]);
      expect(after.graph!.initializer.filter((t) => t.dims.map(Number).includes(IMAGENET_CLASSES)).map((t) => t.name)).toEqual([]);
      const count = (m: ModelProto, op: string) => m.graph!.node.filter((n) => n.opType === op).length;
      expect(count(after, 'QLinearConv')).toBe(count(before, 'QLinearConv'));
      if (name === 'int8') expect(count(after, 'QLinearConv')).toBeGreaterThan(0);
      const gemm = after.graph!.node.find((n) => n.opType === 'Gemm')!;
      const weight = after.graph!.initializer.find((t) => t.name === gemm.input[1])!;
      expect(weight.dims.map(Number)).toEqual([LABELS.length, EMBEDDING_SIZE]);
      const output = after.graph!.output;
      expect(output.map((o) => o.name)).toEqual(['probabilities']);
      const dims = output[0]!.type!.tensorType!.shape!.dim;
      expect(dims.map((d) => (d.dimValue ? Number(d.dimValue) : d.dimParam))).toEqual(['batch_size', LABELS.length]);
      const meta = Object.fromEntries(after.metadataProps.map((m) => [m.key, m.value]));
      expect(JSON.parse(meta.labels!)).toEqual(LABELS);
      expect(JSON.parse(meta['onnx_mobilenet.preprocess']!)).toMatchObject({ cropSize: 224 });
    });

    it(`${name}: trainer.exportModel writes the same bytes as exportHeadModel`, async () => {
      const head = { ...handHead(), format: 'onnx-mobilenet-head', version: 1 } as unknown as TrainedHead;
      expect(Buffer.from(await createTrainer(base).exportModel(head)).equals(Buffer.from(file))).toBe(true);
    });
  }

  it('takes labels from the metadata without a labels option; a labels option still overrides them', async () => {
    const path = join(dir, 'fp32.onnx');
    const plain = await createClassifier({ model: path });
    const [top] = await plain.classify(photo(0).path, { topK: 1 });
    expect(LABELS).toContain(top!.label);
    await plain.dispose();
    const renamed = await createClassifier({ model: path, labels: ['x', 'y', 'z'] });
    expect(renamed.labels.map((l) => l.label)).toEqual(['x', 'y', 'z']);
    const [again] = await renamed.classify(photo(0).path, { topK: 1 });
    expect(again!.label).toBe(['x', 'y', 'z'][LABELS.indexOf(top!.label)]);
    await renamed.dispose();
  });
});
