/** A `VideoFrame`'s media time in ms (its `timestamp` is in µs); undefined for anything else. */
export const frameTimeMs = (frame: unknown): number | undefined =>
  typeof (frame as VideoFrame)?.timestamp === 'number' ? (frame as VideoFrame).timestamp / 1000 : undefined;
