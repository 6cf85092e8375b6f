import { expect, it } from 'vitest';
import { defaultWorkers } from './classifier-pool.js';
import { libuvThreads, predictThroughput, STAGE_COSTS, WORKERS_SLACK } from './scaling-model.js';

// The pool itself runs worker threads from dist/ (pool-worker.js): large-job.test.ts drives it through the bin.
const CORES = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];
const ms = (cores: number, workers: number, decodeThreads = cores) => predictThroughput(STAGE_COSTS, { cores, workers, decodeThreads }).msPerPhoto;

it.each(CORES)('on %i cores starts the fewest workers the scaling model puts within 5 per cent of the best worker count', (cores) => {
  const k = defaultWorkers(cores);
  expect(k).toBeGreaterThanOrEqual(1);
  expect(k).toBeLessThanOrEqual(cores);
  // checked against every worker count, each with the cores shared out; decodes on a thread per
  // core (libuv's 4 bound every count alike)
  const all = Array.from({ length: cores }, (_, i) => ms(cores, i + 1));
  const best = Math.min(...all);
  expect(all[k - 1]).toBeLessThanOrEqual(best * (1 + WORKERS_SLACK));
  for (let fewer = 1; fewer < k; fewer++) expect(all[fewer - 1]).toBeGreaterThan(best * (1 + WORKERS_SLACK));
});

it('one worker on one core: nothing to share', () => {
  expect(defaultWorkers(1)).toBe(1);
});

it('with libuv at 4 threads the default reaches the ceiling of the decodes, as any worker count would', () => {
  for (const cores of [16, 32, 64]) {
    const p = predictThroughput(STAGE_COSTS, { cores, workers: defaultWorkers(cores), decodeThreads: 4 });
    expect(p).toMatchObject({ bound: 'decode', msPerPhoto: STAGE_COSTS.decode / 4 });
  }
});

it('libuv threads: UV_THREADPOOL_SIZE read as libuv reads it (atoi, 0 → 1, at most 1024), else 4', () => {
  const sizes = [undefined, '16', '0', 'x', '', '8abc', ' 12', '1e3', '-3', '5000'];
  // thread counts libuv starts for these values (counted in /proc/self/task for '0', 'x', '8abc', '1e3')
  expect(sizes.map((UV_THREADPOOL_SIZE) => libuvThreads({ UV_THREADPOOL_SIZE }))).toEqual([4, 16, 1, 1, 1, 8, 12, 1, 1024, 1024]);
});

it('the model on costs small enough to compute by hand', () => {
  const costs = { decode: 4, main: 1, run1: 3, serial: 0.5, cpuRatio2: 1.5, poolTask: 1 };
  // 1 worker × 4 threads: C = 3·(1 + 0.5·3) = 7.5, W = 7.5·(0.5 + 0.5/4) = 4.6875; the JS thread's
  // bound 4.6875 + 1 beats all CPU (4 + 1 + 7.5) / 4 = 3.125 and the decodes 4 / 4
  expect(predictThroughput(costs, { cores: 4, workers: 1, decodeThreads: 4 })).toMatchObject({ threads: 4, msPerPhoto: 5.6875, bound: 'session' });
  // 2 workers × 2 threads: C = 4.5, W = 3.375; all CPU (4 + 1 + 4.5 + 1) / 4 = 2.625 beats (3.375 + 1) / 2
  expect(predictThroughput(costs, { cores: 4, workers: 2, decodeThreads: 4 })).toMatchObject({ threads: 2, msPerPhoto: 2.625, bound: 'cpu' });
});

it('counts that are not whole numbers of at least 1: E_INPUT from predictThroughput, one core (or at most 1024) for defaultWorkers', () => {
  for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    expect(() => predictThroughput(STAGE_COSTS, { cores: bad, workers: 1 })).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => predictThroughput(STAGE_COSTS, { cores: 4, workers: bad })).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  }
  expect([Number.NaN, 0, -5, Number.POSITIVE_INFINITY].map((n) => defaultWorkers(n))).toEqual([1, 1, 1, 1]);
  expect(defaultWorkers(200_000)).toBe(defaultWorkers(1024));
  expect(Object.isFrozen(STAGE_COSTS)).toBe(true);
});

it('the model: one core is the sum of the stages; libuv pool bounds decodes once cores outnumber its threads', () => {
  const one = predictThroughput(STAGE_COSTS, { cores: 1, workers: 1 });
  expect(one.msPerPhoto).toBeCloseTo(STAGE_COSTS.decode + STAGE_COSTS.main + STAGE_COSTS.run1, 10);
  const wide = predictThroughput(STAGE_COSTS, { cores: 64, workers: 16, decodeThreads: 4 });
  expect(wide).toMatchObject({ bound: 'decode', msPerPhoto: STAGE_COSTS.decode / 4 });
  // a pool of the whole libuv pool's size goes past it
  expect(predictThroughput(STAGE_COSTS, { cores: 64, workers: 16, decodeThreads: 64 }).msPerPhoto).toBeLessThan(wide.msPerPhoto);
});
