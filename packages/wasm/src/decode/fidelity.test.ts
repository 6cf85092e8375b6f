// The wasm decoder's model input against an independent implementation of the reference
// preprocessing (test/reference-preprocess.ts) on sharp's decode of every photo: the Node
// adapter's limits. (The same top-1 as Node needs the wasm runtime: the package's classifier tests.)
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { decodeFullImageNode } from '@onnx-mobilenet/node';
import { PHOTO_COUNT, describeWithAssets, photos } from '../../../../test/assets.js';
import { FIDELITY } from '../../../../test/floors.js';
import { meanAbsDiff, referencePreprocess } from '../../../../test/reference-preprocess.js';
import { EdgeCodecs, prepareEncodedImage } from './decode-image.js';
import { loadCodecModules } from './node-codecs.js';

describeWithAssets('fidelity to the reference preprocessing (wasm decoder)', () => {
  it(`matches it within the Node limits (${FIDELITY.node.mean} on average, ${FIDELITY.node.worst} at worst) on every photo`, async () => {
    const codecs = new EdgeCodecs(await loadCodecModules());
    const diffs: number[] = [];
    for (const photo of photos()) {
      const decoded = await decodeFullImageNode(photo.path);
      const reference = referencePreprocess(decoded.data, decoded.width, decoded.height, decoded.channels);
      diffs.push(meanAbsDiff(await prepareEncodedImage(readFileSync(photo.path), codecs), reference));
    }
    const worst = Math.max(...diffs);
    const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
    console.log(`wasm decoder vs reference: mean abs difference ${mean.toFixed(4)} on average, ${worst.toFixed(4)} at worst (${PHOTO_COUNT} photos)`);
    expect(diffs).toHaveLength(PHOTO_COUNT);
    expect(mean).toBeLessThan(FIDELITY.node.mean);
    expect(worst).toBeLessThan(FIDELITY.node.worst);
  });
});
