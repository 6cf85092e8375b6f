// createTrainer on a real classifier (int8 zoo model, sharp decoding, uncropped views): the same
// head from concurrent adds with crops, the exported file loaded by createClassifier with its own
// labels, its probabilities as the head computes them in JavaScript, and its logits as their log.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, createTrainer, headProbabilities, type NodeClassifier, type TrainedHead } from '@onnx-mobilenet/node';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';

// Fish and birds (wnids below n02) against dogs (n0208-n0211): 4 photos each.
const all = photos();
const shots = [...all.filter((p) => p.wnid < 'n02').slice(0, 4), ...all.filter((p) => p.wnid >= 'n02085' && p.wnid < 'n02115').slice(0, 4)];
const labelOf = (wnid: string) => (wnid < 'n02' ? 'fish or bird' : 'dog');

describeWithAssets('training a head on a real classifier', () => {
  let base: NodeClassifier;
  let head: TrainedHead;
  let file: Uint8Array;
  const train = async () => {
    const trainer = createTrainer(base, { augment: { flip: true, crops: 1 }, seed: 9 });
    await Promise.all(shots.map((p) => trainer.add(p.path, labelOf(p.wnid)))); // finish in any order
    return { trainer, head: await trainer.train({ validationSplit: 0.25, seed: 2 }) };
  };

  beforeAll(async () => {
    base = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    const run = await train();
    head = run.head;
    file = await run.trainer.exportModel(head);
  });
  afterAll(async () => {
    await base?.dispose();
  });

  it('gives the same head from the same photos and seeds, added concurrently, crops and mirrors included', async () => {
    expect(shots).toHaveLength(8);
    expect(head.report.trainingViews).toBe(6 * 4); // 3 training photos a class, 4 views each
    const again = (await train()).head;
    expect(Buffer.from(again.weights.buffer).equals(Buffer.from(head.weights.buffer))).toBe(true);
    expect(Buffer.from(again.bias.buffer).equals(Buffer.from(head.bias.buffer))).toBe(true);
  });

  it('loads the exported file with the labels it carries, and classifies as the head computes in JavaScript', async () => {
    const mine = await createClassifier({ model: file });
    try {
      expect(mine.labels.map((l) => l.label)).toEqual(['fish or bird', 'dog']);
      for (const p of shots) {
        const expected = headProbabilities(head, await base.embed(p.path));
        const [top, second] = await mine.classify(p.path);
        expect(top!.label).toBe(head.labels[expected[0]! > expected[1]! ? 0 : 1]);
        const got = new Map([top!, second!].map((x) => [x.index, x.probability]));
        for (const c of [0, 1]) expect(Math.abs(got.get(c)! - expected[c]!), `${p.wnid} class ${c}`).toBeLessThan(1e-5);
        const logits = await mine.logits(p.path);
        for (const c of [0, 1]) expect(Math.abs(logits[c]! - Math.log(got.get(c)!))).toBeLessThan(1e-5);
      }
    } finally {
      await mine.dispose();
    }
  });

  it('takes a labels option over the labels in the file', async () => {
    const mine = await createClassifier({ model: file, labels: ['left', 'right'] });
    expect(mine.labels.map((l) => l.label)).toEqual(['left', 'right']);
    await mine.dispose();
  });

  it("gives a photo's views without keeping them: the plain view first, crops drawn by call place", async () => {
    const views = async (seed: number) => {
      const trainer = createTrainer(base, { augment: { flip: true, crops: 2 }, seed });
      const first = await trainer.views(shots[0]!.path);
      return { first, second: await trainer.views(shots[0]!.path), kept: trainer.labels().size };
    };
    const a = await views(3);
    const b = await views(3);
    expect(a.first).toHaveLength(6);
    expect(a.kept).toBe(0);
    expect(Array.from(a.first[0]!)).toEqual(Array.from(await base.embed(shots[0]!.path))); // the centre crop is classify's
    expect(a.first.map((v) => Array.from(v))).toEqual(b.first.map((v) => Array.from(v))); // same seed, same place
    expect(Array.from(a.second[2]!)).not.toEqual(Array.from(a.first[2]!)); // the next place draws other crops
  });

  it('embeds many photos added at once a few batches of views at a time, within limits.maxPendingBytes', async () => {
    // 16 photos × 8 views of 602 KB would be 77 MB of tensors at once; the trainer holds 4 batches
    // of 8 (19 MB), under this classifier's 24 MB.
    const small = await createClassifier({ model: INT8_MODEL, labels: SYNSET, limits: { maxPendingBytes: 24 * 2 ** 20 } });
    try {
      const trainer = createTrainer(small, { augment: { flip: true, crops: 3 } });
      await Promise.all(all.slice(0, 16).map((p) => trainer.add(p.path, labelOf(p.wnid))));
      expect([...trainer.labels().values()].reduce((a, b) => a + b, 0)).toBe(16);
    } finally {
      await small.dispose();
    }
  });

  it('stops an add with the signal reason and keeps no photo for it', async () => {
    const trainer = createTrainer(base, { augment: { flip: true } });
    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    await expect(trainer.add(shots[0]!.path, 'a', { signal: stop.signal })).rejects.toThrow('stopped');
    expect(trainer.labels().size).toBe(0);
  });
});
