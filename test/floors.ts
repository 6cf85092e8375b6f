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
