/**
 * Accuracy floors on the 53 labelled photos, shared by the Node and browser tests. Measured with
 * this pipeline (onnxruntime 1.30, x86-64 AVX2 without VNNI): int8 on onnxruntime-node 44/53 top-1
 * and 51/53 top-5, fp32 stand-in 44/53 and 52/53. Each floor sits two photos under its
 * measurement, so a real regression fails.
 */
export const FLOORS = {
  int8: { top1: 42, top5: 49 },
  fp32: { top1: 42, top5: 50 },
} as const;

/**
 * The same floors in squash mode (the whole photo resized to 224x224, aspect ratio not kept).
 * Measured in Node: int8 43/53 top-1 and 50/53 top-5, fp32 45/53 and 51/53; in Chromium 156:
 * int8 44/53 and 51/53, fp32 44/53 and 51/53. Each floor sits two photos under the lower of the two.
 * (Accuracy alone cannot tell squash from the default crop, which scores as well: the fidelity
 * tests hold each mode's tensor to the reference of that mode.)
 */
export const SQUASH_FLOORS = {
  int8: { top1: 41, top5: 48 },
  fp32: { top1: 42, top5: 49 },
} as const;

/**
 * Photos (of the 53) whose augmented copy (test/augment.ts) must find its own original as the
 * nearest embedding, in Node and in Chromium.
 */
export const AUGMENTED_NEAREST_FLOOR = 50;

/**
 * Limits on how far our input tensors sit from the reference preprocessing
 * (test/reference-preprocess.ts): the mean absolute difference per photo, averaged over the 53
 * photos (`mean`) and at the worst photo (`worst`). Measured with sharp 0.34.5 in Node: 0.0051 on
 * average, 0.0056 at worst; in Chromium 156 (Debian 12): 0.0049 and 0.0052. Each limit sits about
 * 10% above its measurement, so a resampling or normalisation change shows.
 */
export const FIDELITY = {
  node: { mean: 0.0056, worst: 0.0062 },
  browser: { mean: 0.0054, worst: 0.0058 },
  // squash (straight to 224x224, test/node/fidelity.test.ts and the browser's): 0.0050 and 0.0057 in Node
  nodeSquash: { mean: 0.0055, worst: 0.0063 },
  // and 0.0047 and 0.0052 in Chromium
  browserSquash: { mean: 0.0052, worst: 0.0058 },
} as const;

/**
 * Limit on the mean absolute difference from the reference for photos 4-12x the resize target
 * (test/node/large-photo-fidelity.test.ts, detailed mosaics of the photos). libvips resizes such
 * factors as a box shrink then a linear reduce, not one wide triangle: without any shrink-on-load
 * it measured 0.0105-0.0144 there, with an exact DCT shrink 0.008-0.010, and with a DCT shrink
 * that leaves half a row (1125 / 2, 2250 / 4) 0.029-0.035. The limit sits 10% above the worst
 * pipeline that keeps the geometry exact.
 */
export const LARGE_PHOTO_FIDELITY = 0.016;
