// classifyAll streams: a finished result is handed out while the source is still waiting for its
// next input, so a source that only yields more once a result arrived (a crawler fed by its
// results, frames that come when they come) is answered, and a walk can be held at any point
// without holding back the results already done. Told without timing: the source below yields its
// next input only after the consumer has seen the previous result; a classifyAll that waits for
// the source (to fill its window, or to end) never gets there.
import { describe, expect, it } from 'vitest';
import { classifyAllWith } from './classify-all.js';
import type { Prediction } from '../predictions/postprocess.js';

const classify = async (n: number): Promise<Prediction[]> => [{ index: n, id: `c${n}`, label: `c${n}`, probability: 1 }];

/** Fails the test with `message()` if `work` has not settled after `ms` (a liveness bound, not a measure). */
async function within<T>(ms: number, message: () => string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([work, stuck]);
  } finally {
    clearTimeout(timer);
  }
}

describe('classifyAll over a source that waits for results', () => {
  for (const concurrency of [1, 4, 64]) {
    it(`hands out each result before the source yields the next input (concurrency ${concurrency})`, async () => {
      const seen: number[] = [];
      const log: string[] = [];
      let resultArrived: () => void = () => undefined;
      async function* source(): AsyncGenerator<number> {
        for (let n = 0; n < 5; n++) {
          const arrived = new Promise<void>((r) => {
            resultArrived = r;
          });
          log.push(`yield ${n}`);
          yield n;
          await arrived; // the next input exists only once this one's result was seen
        }
      }
      const run = async () => {
        for await (const r of classifyAllWith(classify, source(), { concurrency })) {
          seen.push(r.predictions![0]!.index);
          log.push(`result ${r.input}`);
          resultArrived();
        }
      };
      await within(10_000, () => `classifyAll held back a finished result until its source yielded more: ${log.join(', ')}`, run());
      expect(seen).toEqual([0, 1, 2, 3, 4]);
      expect(log).toEqual(['yield 0', 'result 0', 'yield 1', 'result 1', 'yield 2', 'result 2', 'yield 3', 'result 3', 'yield 4', 'result 4']);
    });
  }
});
