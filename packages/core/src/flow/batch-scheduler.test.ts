import { describe, expect, it } from 'vitest';
import { BatchScheduler } from './batch-scheduler.js';

/** A run the test completes by hand: records each batch (by the first value of each input) and how many overlap. */
function manualRun() {
  const batches: number[][] = [];
  const finish: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  let active = 0;
  let maxActive = 0;
  const run = (inputs: Float32Array[]): Promise<string[]> => {
    batches.push(inputs.map((x) => x[0]!));
    active++;
    maxActive = Math.max(maxActive, active);
    return new Promise<string[]>((resolve, reject) => {
      finish.push({
        resolve: () => {
          active--;
          resolve(inputs.map((x) => `out${x[0]}`));
        },
        reject: (err) => {
          active--;
          reject(err);
        },
      });
    });
  };
  return { run, batches, finish, maxActive: () => maxActive };
}

const input = (v: number) => Float32Array.of(v);
/** Lets queued promise callbacks (and the scheduler's drain loop) run. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('BatchScheduler', () => {
  it('batches the calls of one tick, runs one batch at a time, and batches what waits meanwhile', async () => {
    const m = manualRun();
    const s = new BatchScheduler(8, m.run);
    const a = s.submit([input(1)]);
    const b = s.submit([input(2), input(3)]);
    await settle();
    expect(m.batches).toEqual([[1, 2, 3]]);
    const c = s.submit([input(4)]);
    const d = s.submit([input(5)]);
    await settle();
    expect(m.batches).toHaveLength(1); // the first run is still in flight: nothing overlaps it
    m.finish[0]!.resolve();
    expect(await a).toEqual(['out1']);
    expect(await b).toEqual(['out2', 'out3']);
    await settle();
    expect(m.batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    m.finish[1]!.resolve();
    expect(await c).toEqual(['out4']);
    expect(await d).toEqual(['out5']);
    expect(m.maxActive()).toBe(1);
  });

  it('never sends more than maxBatch inputs in one run, and returns outputs in order', async () => {
    const batches: number[][] = [];
    const s = new BatchScheduler(2, async (inputs: Float32Array[]) => {
      batches.push(inputs.map((x) => x[0]!));
      return inputs.map((x) => x[0]! * 10);
    });
    const [all, one] = await Promise.all([s.submit([1, 2, 3, 4, 5].map(input)), s.submit([input(6)])]);
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(all).toEqual([10, 20, 30, 40, 50]);
    expect(one).toEqual([60]);
  });

  it('rejects only the calls of a failing run; later runs go on', async () => {
    const m = manualRun();
    const s = new BatchScheduler(1, m.run);
    const first = s.submit([input(1)]);
    const second = s.submit([input(2)]);
    await settle();
    const boom = new Error('run failed');
    m.finish[0]!.reject(boom);
    await expect(first).rejects.toBe(boom);
    await settle();
    expect(m.batches).toEqual([[1], [2]]);
    m.finish[1]!.resolve();
    expect(await second).toEqual(['out2']);
    // and it still takes new work
    const third = s.submit([input(3)]);
    await settle();
    m.finish[2]!.resolve();
    expect(await third).toEqual(['out3']);
  });

  it('close() rejects what waits with the given reason, waits for the run in flight, and refuses new work', async () => {
    const m = manualRun();
    const s = new BatchScheduler(1, m.run);
    const inFlight = s.submit([input(1)]);
    const waiting = s.submit([input(2)]);
    waiting.catch(() => undefined);
    await settle();
    expect(m.batches).toEqual([[1]]);
    const reason = new Error('closed');
    let closed = false;
    const closing = s.close(reason).then(() => (closed = true));
    await expect(waiting).rejects.toBe(reason);
    await settle();
    expect(closed).toBe(false); // the run in flight has not finished
    m.finish[0]!.resolve();
    expect(await inFlight).toEqual(['out1']);
    await closing;
    expect(closed).toBe(true);
    expect(m.batches).toEqual([[1]]); // the waiting input never ran
    await expect(s.submit([input(3)])).rejects.toBe(reason);
    expect(m.batches).toEqual([[1]]);
  });

  it('close() with nothing queued or running resolves at once', async () => {
    const s = new BatchScheduler(4, async (inputs: Float32Array[]) => inputs.map(() => 0));
    await expect(s.close(new Error('x'))).resolves.toBeUndefined();
  });

  it('drops the inputs of an aborted signal from the queue: they reject with its reason and never run', async () => {
    const m = manualRun();
    const s = new BatchScheduler(8, m.run);
    const first = s.submit([input(1)]);
    await settle(); // running: [1]
    const controller = new AbortController();
    const dropped = s.submit([input(2), input(3)], controller.signal);
    const kept = s.submit([input(4)]);
    controller.abort(new Error('caller gave up'));
    m.finish[0]!.resolve();
    await first;
    await expect(dropped).rejects.toThrow('caller gave up');
    await settle();
    expect(m.batches).toEqual([[1], [4]]);
    m.finish[1]!.resolve();
    expect(await kept).toEqual(['out4']);
  });
});
