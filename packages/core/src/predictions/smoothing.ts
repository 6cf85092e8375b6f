/**
 * An exponential moving average of probabilities across video frames, so that a label does not
 * flicker between two close classes from one frame to the next. `smoothing` is the weight of the
 * past: each frame's average is `smoothing × previous + (1 − smoothing) × this frame`; 0 returns
 * every frame's own probabilities. The first frame starts the average. The result is a
 * probability distribution again (a convex combination of two).
 *
 * @example
 * ```ts
 * const average = movingAverage(0.5);
 * average(new Float32Array([1, 0])); // [1, 0]
 * average(new Float32Array([0, 1])); // [0.5, 0.5]
 * ```
 */
export function movingAverage(smoothing: number): (probs: Float32Array) => Float32Array {
  let average: Float32Array | undefined;
  return (probs) => {
    if (smoothing === 0) return probs;
    if (!average || average.length !== probs.length) {
      average = Float32Array.from(probs);
      return Float32Array.from(average);
    }
    const keep = 1 - smoothing;
    for (let i = 0; i < probs.length; i++) average[i] = smoothing * average[i]! + keep * probs[i]!;
    return Float32Array.from(average);
  };
}
