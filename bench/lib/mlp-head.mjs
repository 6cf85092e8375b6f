// A prototype for the bench only: a head with one hidden ReLU layer (dims → hidden → classes),
// trained like core's linear head (standardised features, Adam, mini-batches of 32, L2 on the
// weights, balanced class weights, fixed epochs), to measure whether a hidden layer helps.
import { seeded, shuffled } from './head-tasks.mjs';

const B1 = 0.9;
const B2 = 0.999;

function adam(size) {
  return { m: new Float64Array(size), v: new Float64Array(size) };
}

function step(param, grad, state, t, lr) {
  const c1 = 1 - B1 ** t;
  const c2 = 1 - B2 ** t;
  for (let k = 0; k < param.length; k++) {
    state.m[k] = B1 * state.m[k] + (1 - B1) * grad[k];
    state.v[k] = B2 * state.v[k] + (1 - B2) * grad[k] * grad[k];
    param[k] -= (lr * (state.m[k] / c1)) / (Math.sqrt(state.v[k] / c2) + 1e-8);
  }
}

/** Trains on `features` (arrays of `dims`) with `classes` (indices); returns `predict(feature) → class index`. */
export function trainMlp(features, classes, { classCount, hidden = 64, epochs = 100, learningRate = 0.001, l2 = 0.001, seed = 1 }) {
  const D = features[0].length;
  const H = hidden;
  const C = classCount;
  const mean = new Float64Array(D);
  const scale = new Float64Array(D);
  for (const f of features) for (let d = 0; d < D; d++) mean[d] += f[d] / features.length;
  for (const f of features) for (let d = 0; d < D; d++) scale[d] += (f[d] - mean[d]) ** 2 / features.length;
  for (let d = 0; d < D; d++) scale[d] = Math.sqrt(scale[d]) > 1e-6 ? 1 / Math.sqrt(scale[d]) : 1;
  const z = features.map((f) => Float64Array.from(f, (v, d) => (v - mean[d]) * scale[d]));
  const counts = new Array(C).fill(0);
  for (const y of classes) counts[y]++;
  const sampleWeight = classes.map((y) => features.length / (C * counts[y]));

  const random = seeded(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const w1 = Float64Array.from({ length: H * D }, () => gauss() * Math.sqrt(2 / D));
  const b1 = new Float64Array(H);
  const w2 = Float64Array.from({ length: C * H }, () => gauss() * Math.sqrt(1 / H));
  const b2 = new Float64Array(C);
  const [s1, sb1, s2, sb2] = [adam(w1.length), adam(H), adam(w2.length), adam(C)];
  const [g1, gb1, g2, gb2] = [new Float64Array(w1.length), new Float64Array(H), new Float64Array(w2.length), new Float64Array(C)];
  const h = new Float64Array(H);
  const p = new Float64Array(C);
  const dh = new Float64Array(H);

  const forward = (x) => {
    for (let j = 0; j < H; j++) {
      let s = b1[j];
      const row = j * D;
      for (let d = 0; d < D; d++) s += w1[row + d] * x[d];
      h[j] = Math.max(s, 0);
    }
    let max = -Infinity;
    for (let c = 0; c < C; c++) {
      let s = b2[c];
      for (let j = 0; j < H; j++) s += w2[c * H + j] * h[j];
      p[c] = s;
      max = Math.max(max, s);
    }
    let total = 0;
    for (let c = 0; c < C; c++) total += p[c] = Math.exp(p[c] - max);
    for (let c = 0; c < C; c++) p[c] /= total;
  };

  let t = 0;
  const order = features.map((_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const shuffledOrder = shuffled(order, random);
    for (let start = 0; start < shuffledOrder.length; start += 32) {
      const batch = shuffledOrder.slice(start, start + 32);
      for (const g of [g1, gb1, g2, gb2]) g.fill(0);
      let batchWeight = 0;
      for (const i of batch) {
        const x = z[i];
        const sw = sampleWeight[i];
        batchWeight += sw;
        forward(x);
        dh.fill(0);
        for (let c = 0; c < C; c++) {
          const g = sw * (p[c] - (c === classes[i] ? 1 : 0));
          gb2[c] += g;
          for (let j = 0; j < H; j++) {
            g2[c * H + j] += g * h[j];
            dh[j] += g * w2[c * H + j];
          }
        }
        for (let j = 0; j < H; j++) {
          if (h[j] <= 0) continue;
          gb1[j] += dh[j];
          const row = j * D;
          for (let d = 0; d < D; d++) g1[row + d] += dh[j] * x[d];
        }
      }
      t++;
      const norm = 1 / batchWeight;
      for (let k = 0; k < g1.length; k++) g1[k] = g1[k] * norm + l2 * w1[k];
      for (let k = 0; k < g2.length; k++) g2[k] = g2[k] * norm + l2 * w2[k];
      for (let k = 0; k < H; k++) gb1[k] *= norm;
      for (let k = 0; k < C; k++) gb2[k] *= norm;
      step(w1, g1, s1, t, learningRate);
      step(b1, gb1, sb1, t, learningRate);
      step(w2, g2, s2, t, learningRate);
      step(b2, gb2, sb2, t, learningRate);
    }
  }
  return (feature) => {
    forward(Float64Array.from(feature, (v, d) => (v - mean[d]) * scale[d]));
    return p.indexOf(Math.max(...p));
  };
}
