// Embeddings from the rewritten graph, nearest-neighbour search over augmented copies, and the
// few-shot classifier, in Node (the browser runs the same checks in test/browser/photos.test.ts).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cosineSimilarity, createClassifier, createFewShotClassifier, nearestNeighbors, type NodeClassifier } from '@onnx-mobilenet/node';
import { maxPoolModel } from '../onnx-models.js';
import { augment } from '../augment.js';
import { EMBEDDING_SIZE, FP32_MODEL, INT8_MODEL, PHOTO_COUNT, SYNSET, describeWithAssets, photo, photos } from '../assets.js';
import { AUGMENTED_NEAREST_FLOOR } from '../floors.js';

describeWithAssets('embeddings', () => {
  let fp32: NodeClassifier;
  let int8: NodeClassifier;
  beforeAll(async () => {
    fp32 = await createClassifier({ model: FP32_MODEL, labels: SYNSET });
    int8 = await createClassifier({ model: INT8_MODEL, labels: SYNSET, precision: 'model' });
  });
  afterAll(async () => {
    await fp32?.dispose();
    await int8?.dispose();
  });

  it(`gives the ${EMBEDDING_SIZE}-d pooled feature of the fp32 and the int8 graph, from the same run as the scores`, async () => {
    const image = photo(5).path;
    expect(fp32.model.embeddingSize).toBe(EMBEDDING_SIZE);
    expect(int8.model.embeddingSize).toBe(EMBEDDING_SIZE);
    const a = await fp32.embed(image);
    const b = await int8.embed(image);
    expect(a).toHaveLength(EMBEDDING_SIZE);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0); // pooled ReLU6 activations
    expect(cosineSimilarity(a, b)).toBeGreaterThan(0.95);
    const both = await fp32.infer(image, { topK: 3 });
    expect(both.predictions).toEqual(await fp32.classify(image, { topK: 3 }));
    expect(Array.from(both.embedding)).toEqual(Array.from(a));
    const unit = await fp32.embed(image, { normalize: true });
    expect(Math.hypot(...unit)).toBeCloseTo(1, 5);
  });

  it('rejects embed() with E_MODEL_SHAPE where no average-pooled feature exists, and still classifies', async () => {
    const c = await createClassifier({ model: await maxPoolModel(), labels: SYNSET });
    expect(c.model.embeddingSize).toBeNull();
    expect(await c.classify(photo(0).path)).toHaveLength(5);
    await expect(c.embed(photo(0).path)).rejects.toMatchObject({ code: 'E_MODEL_SHAPE', message: expect.stringContaining('GlobalMaxPool') });
    await c.dispose();
  });

  it('skips the rewrite with embeddings: false (embed() then says so) and still classifies', async () => {
    const c = await createClassifier({ model: FP32_MODEL, labels: SYNSET, embeddings: false });
    expect(c.model.embeddingSize).toBeNull();
    const first = photo(0);
    expect((await c.classify(first.path))[0]?.id).toBe(first.wnid);
    await expect(c.embed(first.path)).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('embeddings: false') });
    await c.dispose();
  });

  it(`finds each augmented copy nearest to its own original for at least ${AUGMENTED_NEAREST_FLOOR} of ${PHOTO_COUNT} photos`, async () => {
    const set = photos();
    const originals: Float32Array[] = [];
    for (const p of set) originals.push(await fp32.embed(p.path));
    let hits = 0;
    for (const [i, p] of set.entries()) {
      const copy = await fp32.embed(await augment(readFileSync(p.path), 'copy'));
      if (nearestNeighbors(copy, originals, 1)[0]?.index === i) hits++;
    }
    console.log(`node: augmented copy nearest to its original for ${hits}/${PHOTO_COUNT} photos`);
    expect(hits).toBeGreaterThanOrEqual(AUGMENTED_NEAREST_FLOOR);
  });

  it('teaches 10 classes from two views each and labels a third view; JSON round-trips', async () => {
    const set = photos().slice(0, 10);
    const fewShot = createFewShotClassifier(fp32);
    for (const p of set) {
      const bytes = readFileSync(p.path);
      await fewShot.add(await augment(bytes, 'shot1'), p.name);
      await fewShot.add(await augment(bytes, 'shot2'), p.name);
    }
    expect([...fewShot.labels().values()]).toEqual(Array(10).fill(2));
    const queries = await Promise.all(set.map((p) => augment(readFileSync(p.path), 'query')));
    const predicted: Awaited<ReturnType<typeof fewShot.predict>>[] = [];
    for (const q of queries) predicted.push(await fewShot.predict(q, { k: 3 }));
    const correct = predicted.filter((r, i) => r.label === set[i]?.name).length;
    console.log(`few-shot: ${correct}/10 third views labelled correctly`);
    expect(correct).toBeGreaterThanOrEqual(9);
    expect(predicted[0]!.scores.reduce((a, s) => a + s.confidence, 0)).toBeCloseTo(1, 5);

    const restored = createFewShotClassifier(fp32, JSON.parse(JSON.stringify(fewShot.toJSON())));
    for (const [i, q] of queries.entries()) expect((await restored.predict(q)).label).toBe(predicted[i]!.label);
    const removed = set[0]!.name;
    restored.remove(removed);
    expect(restored.labels().has(removed)).toBe(false);
    restored.clear();
    await expect(restored.predict(queries[0]!)).rejects.toMatchObject({ code: 'E_INPUT' });
  });
});
