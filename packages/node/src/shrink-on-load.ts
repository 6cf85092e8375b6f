import type { ResizePlan } from '@onnx-mobilenet/core/preprocess';

/**
 * The factor libvips' JPEG loader shrinks by (DCT scaling) in the resize that sharp 0.34 builds
 * with `fastShrinkOnLoad: false`: the largest of 8, 4, 2 that leaves at least a factor of two for
 * the antialiased resize (sharp also halves a factor equal to the shrink's whole part, which this
 * margin never meets; kept to follow its code). 1 when it does not shrink while loading.
 */
export function jpegShrinkFactor(width: number, height: number, plan: ResizePlan): number {
  const shrink = Math.min(width / plan.width, height / plan.height);
  let factor = shrink >= 16 ? 8 : shrink >= 8 ? 4 : shrink >= 4 ? 2 : 1;
  if (factor > 1 && Math.trunc(shrink) === factor) factor /= 2;
  return factor;
}

/**
 * Whether shrinking this JPEG while loading keeps the reference's geometry. A side that the factor
 * does not divide loads as a partial last row or column (1125 rows / 2 = 563), which the resize
 * then stretches over the whole side: up to a fifth of a pixel off at the crop's edge, and a mean
 * difference from the reference of 0.029-0.035 on detailed 1500x1125 and 3000x2250 photos instead
 * of 0.008-0.010 when it divides (test/node/large-photo-fidelity.test.ts).
 */
export function shrinkOnLoadIsExact(width: number, height: number, plan: ResizePlan): boolean {
  const factor = jpegShrinkFactor(width, height, plan);
  return width % factor === 0 && height % factor === 0;
}
