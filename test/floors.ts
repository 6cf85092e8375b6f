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
