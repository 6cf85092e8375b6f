// Prototype pollution for the tests: properties put on Object.prototype / Array.prototype as an
// app's vulnerable merge would (enumerable, writable), and always taken off again.

/** Where a polluted property lives. */
export type PollutedPrototype = 'Object' | 'Array';

/** One property added to a built-in prototype: a value, or a getter (e.g. one that throws). */
export interface Pollution {
  on: PollutedPrototype;
  key: string;
  value?: unknown;
  get?: () => unknown;
}

const prototypes = { Object: Object.prototype, Array: Array.prototype } as const;

/** A short name of a pollution, for test titles and replay messages. */
export function describePollution(p: Pollution): string {
  const value = p.get ? '<getter>' : JSON.stringify(p.value, (_k, v) => (typeof v === 'function' ? '<function>' : v));
  return `${p.on}.prototype[${JSON.stringify(p.key)}] = ${value}`;
}

/**
 * Runs `fn` with the pollutions applied and removes them afterwards (also when it throws). A
 * property the prototype already had is refused: the test would otherwise replace, then delete, a
 * built-in.
 */
export async function withPollution<T>(pollutions: readonly Pollution[], fn: () => Promise<T>): Promise<T> {
  const applied: Pollution[] = [];
  try {
    for (const p of pollutions) {
      const target = prototypes[p.on];
      if (Object.hasOwn(target, p.key)) throw new Error(`${p.on}.prototype already has ${p.key}`);
      Object.defineProperty(
        target,
        p.key,
        p.get ? { get: p.get, enumerable: true, configurable: true } : { value: p.value, enumerable: true, writable: true, configurable: true },
      );
      applied.push(p);
    }
    return await fn();
  } finally {
    for (const p of applied) delete (prototypes[p.on] as unknown as Record<string, unknown>)[p.key];
  }
}
