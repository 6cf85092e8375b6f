// The Node adapter's input tensor against an independent implementation of the reference
// preprocessing (test/reference-preprocess.ts), on every photo, and the top-1 both give: in the
// default mode (shorter side 256, centre crop) and in squash mode (straight to 224x224).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, decodeFullImageNode, type NodeClassifier } from '@onnx-mobilenet/node';
import { FP32_MODEL, INPUT_SIZE, PHOTO_COUNT, SYNSET, describeWithAssets, photos } from '../assets.js';
import { FIDELITY } from '../floors.js';
import { meanAbsDiff, referencePreprocess, type ReferenceMode } from '../reference-preprocess.js';

// A photo whose two best classes tie may go either way on any change of input: it counts as
// agreement when our top-1 is the reference's second and the two are within `tie` of each other.
// Squash's closest call is paper_towel: eggnog 23.2% against paper towel 21.9% in the reference.
for (const [mode, limits, tie] of [
  ['shorter-side-crop', FIDELITY.node, 0.01],
  ['squash', FIDELITY.nodeSquash, 0.02],
] as const satisfies readonly (readonly [ReferenceMode, { mean: number; worst: number }, number])[]) {
  describeWithAssets(`fidelity to the reference preprocessing (Node, ${mode})`, () => {
    let classifier: NodeClassifier;
    beforeAll(async () => {
      classifier = await createClassifier({ model: FP32_MODEL, labels: SYNSET, preprocess: { mode } });
    });
    afterAll(async () => {
      await classifier?.dispose();
    });

    it(`matches it within ${limits.worst} mean absolute difference and gives the same top-1 on every photo (ties within ${tie * 100} points either way)`, async () => {
      const diffs: number[] = [];
      const disagree: string[] = [];
      const ties: string[] = [];
      for (const photo of photos()) {
        const decoded = await decodeFullImageNode(photo.path);
        const reference = referencePreprocess(decoded.data, decoded.width, decoded.height, decoded.channels, mode);
        const ours = await classifier.prepare(photo.path);
        diffs.push(meanAbsDiff(ours, reference));
        const [refTop, refSecond] = await classifier.classify({ data: reference, dims: [1, 3, INPUT_SIZE, INPUT_SIZE] }, { topK: 2 });
        const [ourTop] = await classifier.classify({ data: ours, dims: [1, 3, INPUT_SIZE, INPUT_SIZE] }, { topK: 1 });
        if (!refTop || !refSecond || !ourTop) throw new Error(`no predictions for ${photo.name}`);
        const tied = refTop.probability - refSecond.probability < tie && ourTop.id === refSecond.id;
        if (refTop.id !== ourTop.id && !tied) disagree.push(`${photo.name} (${refTop.label} vs ${ourTop.label})`);
        if (tied) ties.push(`${photo.name} (${(refTop.probability * 100).toFixed(1)}% vs ${(refSecond.probability * 100).toFixed(1)}%)`);
      }
      const worst = Math.max(...diffs);
      const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
      console.log(
        `node vs reference (${mode}): mean abs difference ${mean.toFixed(4)} on average, ${worst.toFixed(4)} at worst; top-1 differs on ${disagree.length}/${PHOTO_COUNT} ${disagree.join(', ')}; ties: ${ties.join(', ') || 'none'}`,
      );
      expect(diffs).toHaveLength(PHOTO_COUNT);
      expect(mean).toBeLessThan(limits.mean);
      expect(worst).toBeLessThan(limits.worst);
      expect(disagree).toEqual([]);
    });
  });
}
