// The Node adapter's input tensor against an independent implementation of the reference
// preprocessing (test/reference-preprocess.ts), on every photo, and the top-1 both give.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, decodeFullImageNode, type NodeClassifier } from '@onnx-mobilenet/node';
import { FP32_MODEL, INPUT_SIZE, PHOTO_COUNT, SYNSET, describeWithAssets, photos } from '../assets.js';
import { FIDELITY } from '../floors.js';
import { meanAbsDiff, referencePreprocess } from '../reference-preprocess.js';

describeWithAssets('fidelity to the reference preprocessing (Node)', () => {
  let classifier: NodeClassifier;
  beforeAll(async () => {
    classifier = await createClassifier({ model: FP32_MODEL, labels: SYNSET });
  });
  afterAll(async () => {
    await classifier?.dispose();
  });

  it(`matches it within ${FIDELITY.node.worst} mean absolute difference and gives the same top-1 on every photo`, async () => {
    const diffs: number[] = [];
    const disagree: string[] = [];
    const ties: string[] = [];
    for (const photo of photos()) {
      const decoded = await decodeFullImageNode(photo.path);
      const reference = referencePreprocess(decoded.data, decoded.width, decoded.height, decoded.channels);
      const ours = await classifier.prepare(photo.path);
      diffs.push(meanAbsDiff(ours, reference));
      const [refTop, refSecond] = await classifier.classify({ data: reference, dims: [1, 3, INPUT_SIZE, INPUT_SIZE] }, { topK: 2 });
      const [ourTop] = await classifier.classify({ data: ours, dims: [1, 3, INPUT_SIZE, INPUT_SIZE] }, { topK: 1 });
      if (!refTop || !refSecond || !ourTop) throw new Error(`no predictions for ${photo.name}`);
      // A photo whose two best classes tie (within 1 point of probability) may go either way on any
      // change of input; it counts as agreement when our top-1 is one of the tied pair.
      const tie = refTop.probability - refSecond.probability < 0.01 && ourTop.id === refSecond.id;
      if (refTop.id !== ourTop.id && !tie) disagree.push(`${photo.name} (${refTop.label} vs ${ourTop.label})`);
      if (tie) ties.push(`${photo.name} (${(refTop.probability * 100).toFixed(1)}% vs ${(refSecond.probability * 100).toFixed(1)}%)`);
    }
    const worst = Math.max(...diffs);
    const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
    console.log(
      `node vs reference: mean abs difference ${mean.toFixed(4)} on average, ${worst.toFixed(4)} at worst; top-1 differs on ${disagree.length}/${PHOTO_COUNT} ${disagree.join(', ')}; ties: ${ties.join(', ') || 'none'}`,
    );
    expect(diffs).toHaveLength(PHOTO_COUNT);
    expect(mean).toBeLessThan(FIDELITY.node.mean);
    expect(worst).toBeLessThan(FIDELITY.node.worst);
    expect(disagree).toEqual([]);
  });
});
