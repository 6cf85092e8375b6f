/**
 * onnxruntime's intra-op threads spin within a run, where the waits between operators are short,
 * and stop spinning when it ends, so that sharp gets the CPU for the next images: a batch-1 run
 * took 1.3 ms instead of 2.1 without spinning, while threads left spinning between runs slowed
 * arrays by 10-20% (pnpm bench, 2 cores). A wait spins for at most 25 µs before the thread sleeps
 * (a key of the pinned onnxruntime-node 1.30): longer waits within a run are those where sharp's
 * threads took the partner's core, and spinning through them cost CPU the decodes needed. Measured
 * in one process on the 53 photos, int8, 2 cores: arrays 4.6-4.9 instead of 5.0-5.9 CPU ms/photo
 * and 2.5-2.7 instead of 2.6-3.1 wall ms/photo; one at a time 3.8-4.3 instead of 4.0-4.5 ms/photo.
 */
const SPINNING: Record<string, string> = {
  'session.intra_op.allow_spinning': '1',
  'session.intra_op.spin_duration_us': '25',
  'session.force_spinning_stop': '1',
};

/** `extra` without its `undefined` entries, which onnxruntime-node refuses, and its config keys as it flattens them (`{ a: { b: 1 } }` is `a.b`). */
function defined(extra: Record<string, unknown>, prefix: string, keys: Set<string>): Record<string, unknown> {
  // Without a prototype: onnxruntime-node lists extra's keys with inherited enumerable ones (for…in)
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) continue;
    if (value !== null && typeof value === 'object') out[key] = defined(value as Record<string, unknown>, `${prefix}${key}.`, keys);
    else {
      out[key] = value;
      keys.add(`${prefix}${key}`);
    }
  }
  return out;
}

/**
 * `sessionOptions.extra` with the spinning defaults added where the caller set no value of its
 * own for them (nested or as a dotted key; `undefined` is no value); the caller's entries are kept.
 */
export function sessionExtra(extra: Record<string, unknown> | undefined): Record<string, unknown> {
  const given = new Set<string>();
  const kept = defined(extra ?? {}, '', given);
  const defaults = Object.fromEntries(Object.entries(SPINNING).filter(([key]) => !given.has(key)));
  return Object.assign(Object.create(null) as Record<string, unknown>, kept, defaults);
}
