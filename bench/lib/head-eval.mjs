// Accuracy of the trained head, the k-NN few-shot and the hidden-layer prototype on the same
// shots: every method trains on the same views of the same photos and is tested on the same
// held-out items (their plain centre view, as classify() would see them).
import { createFewShotClassifier, createTrainer, headProbabilities } from '@onnx-mobilenet/node';
import { drawShots, seeded } from './head-tasks.mjs';
import { trainMlp } from './mlp-head.mjs';

const argmax = (p) => p.indexOf(Math.max(...p));

/** k-NN few-shot (core's createFewShotClassifier) on every training view. */
export function knn(k) {
  return {
    name: `k-NN k=${k}`,
    async fit(classifier, train, viewsOf) {
      const fewShot = createFewShotClassifier(classifier);
      for (const item of train) for (const v of viewsOf(item)) fewShot.addEmbedding(v, item.label);
      return (e) => fewShot.predictEmbedding(e, { k }).label;
    },
  };
}

/** core's trainer (softmax head) with `options` for train(). */
export function head(name, options = {}) {
  return {
    name,
    async fit(classifier, train, viewsOf) {
      const trainer = createTrainer(classifier);
      for (const item of train) trainer.addEmbeddings(viewsOf(item), item.label);
      const h = await trainer.train(options);
      return (e) => h.labels[argmax(Array.from(headProbabilities(h, e)))];
    },
  };
}

/** The bench-only prototype: one hidden ReLU layer of `hidden` units. */
export function mlp(hidden, options = {}) {
  return {
    name: `hidden ${hidden} ReLU (prototype)`,
    async fit(_classifier, train, viewsOf) {
      const labels = [...new Set(train.map((i) => i.label))];
      const features = [];
      const classes = [];
      for (const item of train)
        for (const v of viewsOf(item)) {
          features.push(v);
          classes.push(labels.indexOf(item.label));
        }
      const predict = trainMlp(features, classes, { classCount: labels.length, hidden, ...options });
      return (e) => labels[predict(e)];
    },
  };
}

/**
 * Mean accuracy of each method over `draws` random draws of `shots` training items per class
 * (the rest of each class tested): `{ [method name]: accuracy }`, plus `tested` items per draw.
 */
export async function compare(classifier, items, { shots, draws, methods, viewsOf = (i) => i.views, seed = 1 }) {
  const right = Object.fromEntries(methods.map((m) => [m.name, 0]));
  let tested = 0;
  for (let d = 0; d < draws; d++) {
    const { train, test } = drawShots(items, shots, seeded(seed * 1000 + d));
    tested += test.length;
    for (const method of methods) {
      const predict = await method.fit(classifier, train, viewsOf);
      for (const item of test) if (predict(item.views[0]) === item.label) right[method.name]++;
    }
  }
  return { accuracy: Object.fromEntries(methods.map((m) => [m.name, right[m.name] / tested])), testedPerDraw: tested / draws };
}
