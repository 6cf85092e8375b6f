import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type ItemContext, type Outcome, workPool } from './work-pool.js';

/** Tasks the test settles by hand: each started item's context and how to settle it, by item. */
function manual<T>() {
  const items = new Map<T, ItemContext & { resolve: (v: string) => void; reject: (e: unknown) => void }>();
  const running = new Set<T>();
  let most = 0;
  const task = (item: T, at: ItemContext) =>
    new Promise<string>((resolve, reject) => {
      running.add(item);
      most = Math.max(most, running.size);
      const done = () => running.delete(item);
      items.set(item, {
        ...at,
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
    });
  return { task, items, started: () => [...items.keys()], most: () => most, running };
}

/** Lets every queued promise callback run (no time passes that a test relies on). */
const settle = () => new Promise((r) => setTimeout(r, 0));
const value = <T, R>(step: IteratorResult<Outcome<T, R>, undefined>) => (step.done ? 'done' : step.value.ok ? step.value.value : step.value.error);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('WorkPool', () => {
  it('starts an array’s first items before the constructor returns, and never more than the window', async () => {
    const m = manual<number>();
    const pool = workPool(range(6), m.task, { window: 3, mode: 'collect' });
    expect(m.started()).toEqual([0, 1, 2]);
    m.items.get(1)!.resolve('one');
    await settle();
    expect(m.started()).toEqual([0, 1, 2]); // settled but not taken: still in the window
    expect(value(await pool.next())).toBe('one');
    await settle();
    expect(m.started()).toEqual([0, 1, 2]); // taken, but the consumer holds it until it asks again
    const next = pool.next();
    expect(m.started()).toEqual([0, 1, 2, 3]);
    m.items.get(0)!.resolve('zero');
    expect(value(await next)).toBe('zero');
    for (const i of [2, 3, 4, 5]) {
      const step = pool.next();
      await settle();
      m.items.get(i)!.resolve(`v${i}`);
      expect(value(await step)).toBe(`v${i}`);
    }
    expect(await pool.next()).toEqual({ done: true, value: undefined });
    expect(m.most()).toBe(3);
  });

  it('holds at most phaseCap items in their first phase; endPhase or settling frees a place', async () => {
    const m = manual<number>();
    const pool = workPool(range(6), m.task, { window: 4, phaseCap: 2, mode: 'fail-fast' });
    expect(m.started()).toEqual([0, 1]);
    m.items.get(0)!.endPhase();
    expect(m.started()).toEqual([0, 1, 2]);
    m.items.get(0)!.endPhase(); // twice is harmless
    expect(m.started()).toEqual([0, 1, 2]);
    m.items.get(1)!.endPhase();
    expect(m.started()).toEqual([0, 1, 2, 3]); // the window (4) is full now, though only 2 and 3 are in phase
    m.items.get(2)!.endPhase();
    expect(m.started()).toEqual([0, 1, 2, 3]);
    const values = pool.values();
    m.items.get(3)!.resolve('v3'); // settling inside its phase frees its place, and its place in the window
    await settle();
    expect(m.started()).toEqual([0, 1, 2, 3, 4]);
    m.items.get(0)!.resolve('v0');
    await settle();
    expect(m.started()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const i of [1, 2, 4, 5]) m.items.get(i)!.resolve(`v${i}`);
    expect(await values).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']); // source order
  });

  it('starts the next item when a task ends its phase before returning', async () => {
    const started: number[] = [];
    const pool = workPool(
      range(5),
      async (i, { endPhase }) => {
        started.push(i);
        endPhase();
        return i;
      },
      { window: 8, phaseCap: 1, mode: 'fail-fast' },
    );
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(await pool.values()).toEqual([0, 1, 2, 3, 4]);
  });

  it('holds items past their phase in the window until they settle, from an array or an async source', async () => {
    async function* later() {
      yield* range(5);
    }
    for (const source of [range(5), later()]) {
      const m = manual<number>();
      const phaseless = (i: number, at: ItemContext) => {
        at.endPhase();
        return m.task(i, at);
      };
      workPool(source, phaseless, { window: 2, phaseCap: 1, mode: 'collect' });
      await settle();
      expect(m.started()).toEqual([0, 1]);
    }
  });

  it('fail-fast: the first failure aborts the running items with it, starts nothing more, and releases every item once', async () => {
    const m = manual<number>();
    const released: number[] = [];
    const pool = workPool(range(10), m.task, { window: 3, mode: 'fail-fast', release: (i) => released.push(i) });
    const values = pool.values();
    const boom = new Error('item 1 failed');
    m.items.get(1)!.reject(boom);
    await expect(values).rejects.toBe(boom);
    expect(m.started()).toEqual([0, 1, 2]);
    expect(m.items.get(0)!.signal?.reason).toBe(boom);
    expect(m.items.get(2)!.signal?.reason).toBe(boom);
    expect(released.sort((a, b) => a - b)).toEqual([1, 3, 4, 5, 6, 7, 8, 9]); // the failed one and those never started
    m.items.get(0)!.reject(boom);
    m.items.get(2)!.resolve('late');
    await settle();
    expect(released.sort((a, b) => a - b)).toEqual(range(10)); // the running ones as they settle
    expect(m.started()).toEqual([0, 1, 2]);
    await expect(pool.next()).rejects.toBe(boom);
  });

  it('collect: hands out failures as outcomes and goes on to the end', async () => {
    const pool = workPool(
      range(5),
      async (i) => {
        if (i % 2) throw new Error(`odd ${i}`);
        return i * 10;
      },
      { window: 2, mode: 'collect' },
    );
    const seen: string[] = [];
    for await (const o of pool) seen.push(o.ok ? `${o.index}=${o.value}` : `${o.index}:${(o.error as Error).message}`);
    expect(seen.sort()).toEqual(['0=0', '1:odd 1', '2=20', '3:odd 3', '4=40']);
  });

  it('on the caller’s abort: nothing more starts, running items get its reason, next() rejects with it, unstarted items are released', async () => {
    const m = manual<number>();
    const released: number[] = [];
    const caller = new AbortController();
    const pool = workPool(range(8), m.task, { window: 3, mode: 'collect', signal: caller.signal, release: (i) => released.push(i) });
    const step = pool.next();
    const reason = new Error('caller gave up');
    caller.abort(reason);
    await expect(step).rejects.toBe(reason);
    expect(m.started()).toEqual([0, 1, 2]);
    for (const i of [0, 1, 2]) expect(m.items.get(i)!.signal?.reason).toBe(reason);
    expect(released).toEqual([3, 4, 5, 6, 7]);
    for (const i of [0, 1, 2]) m.items.get(i)!.reject(reason);
    await pool.return();
    expect(released.sort((a, b) => a - b)).toEqual(range(8));
  });

  it('a signal aborted already: nothing starts and next() rejects with its reason', async () => {
    const m = manual<number>();
    const pool = workPool(range(3), m.task, { window: 3, mode: 'fail-fast', signal: AbortSignal.abort(new Error('before')) });
    expect(m.started()).toEqual([]);
    await expect(pool.values()).rejects.toThrow('before');
  });

  it('gives each item a signal of its own only where something besides one caller’s signal can abort it', async () => {
    const caller = new AbortController();
    const signals = (items: number[], o: { window: number; mode: 'fail-fast' | 'collect'; signal?: AbortSignal }) => {
      const m = manual<number>();
      workPool(items, m.task, o);
      return [...m.items.values()].map((c) => (c.signal === undefined ? 'none' : c.signal === caller.signal ? 'caller' : 'own'));
    };
    expect(signals([0], { window: 4, mode: 'fail-fast', signal: caller.signal })).toEqual(['caller']);
    expect(signals([0, 1], { window: 4, mode: 'fail-fast' })).toEqual(['own', 'own']);
    expect(signals([0, 1], { window: 4, mode: 'collect' })).toEqual(['none', 'none']);
    expect(signals([0, 1], { window: 4, mode: 'collect', signal: caller.signal })).toEqual(['own', 'own']);
    expect(signals([0, 1], { window: 1, mode: 'collect', signal: caller.signal })).toEqual(['caller']);
  });

  it('listens to the caller’s signal once, and stops listening when it is done', async () => {
    const caller = new AbortController();
    const m = manual<number>();
    const pool = workPool(range(50), m.task, { window: 20, mode: 'collect', signal: caller.signal });
    expect(m.started()).toHaveLength(20);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    let n = 0;
    for (let step = pool.next(); ; step = pool.next()) {
      for (const c of m.items.values()) c.resolve('v');
      if ((await step).done) break;
      n++;
    }
    expect(n).toBe(50);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('pulls an async source one value at a time, and only while the window has room', async () => {
    const m = manual<number>();
    let pulls = 0;
    const gates: (() => void)[] = [];
    async function* source() {
      for (let i = 0; i < 4; i++) {
        pulls++;
        await new Promise<void>((r) => gates.push(r));
        yield i;
      }
    }
    const pool = workPool(source(), m.task, { window: 2, mode: 'collect' });
    await settle();
    expect(pulls).toBe(1); // the first value has not come yet: no second pull meanwhile
    gates.shift()!();
    await settle();
    expect([m.started(), pulls]).toEqual([[0], 2]);
    gates.shift()!();
    await settle();
    expect([m.started(), pulls]).toEqual([[0, 1], 2]); // the window is full: not asked for a third
    m.items.get(0)!.resolve('v0');
    expect(value(await pool.next())).toBe('v0');
    await settle();
    expect(pulls).toBe(2);
    const step = pool.next(); // lets go of v0: room for one more
    await settle();
    expect(pulls).toBe(3);
    m.items.get(1)!.resolve('v1');
    expect(value(await step)).toBe('v1');
    gates.shift()!(); // return() waits for a pull under way: the value it brings is never started
    await pool.return();
    expect(m.started()).toEqual([0, 1]);
  });

  it('return() stops the pulling, waits for the running items unaborted, and closes the source', async () => {
    const m = manual<number>();
    let closed = false;
    const source = (function* () {
      yield* range(100);
    })();
    const close = source.return.bind(source);
    source.return = (v) => {
      closed = true;
      return close(v);
    };
    const pool = workPool(source, m.task, { window: 2, mode: 'collect' });
    let returned = false;
    const leaving = pool.return().then(() => (returned = true));
    await settle();
    expect([returned, closed]).toEqual([false, false]);
    expect(m.items.get(0)!.signal).toBeUndefined();
    m.items.get(0)!.resolve('v0');
    m.items.get(1)!.resolve('v1');
    await leaving;
    expect([returned, closed, m.started()]).toEqual([true, true, [0, 1]]);
    expect(await pool.next()).toEqual({ done: true, value: undefined });
  });

  it('a source that throws stops the pool with its error; in collect mode the running items go on', async () => {
    const m = manual<number>();
    const broken = new Error('the walk failed');
    function* source() {
      yield 0;
      throw broken;
    }
    const pool = workPool(source(), m.task, { window: 4, mode: 'collect', signal: new AbortController().signal });
    await expect(pool.next()).rejects.toBe(broken);
    expect(m.items.get(0)!.signal?.aborted).toBe(false);
    m.items.get(0)!.resolve('v0');
    await pool.return();
    expect(m.running.size).toBe(0);
  });

  it('a task that throws at once fails like one that rejects', async () => {
    const pool = workPool(
      [1, 2],
      (i) => {
        if (i === 2) throw new Error('sync');
        return Promise.resolve(i);
      },
      { window: 2, mode: 'fail-fast' },
    );
    await expect(pool.values()).rejects.toThrow('sync');
    expect(await workPool([], async () => 1, { window: 2, mode: 'fail-fast' }).values()).toEqual([]);
  });
});
