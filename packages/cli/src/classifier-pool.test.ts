import { expect, it } from 'vitest';
import { defaultWorkers } from './classifier-pool.js';
import { libuvThreads, predictThroughput, STAGE_COSTS, WORKERS_SLACK } from './scaling-model.js';

// The pool itself runs worker threads from dist/ (pool-worker.js): large-job.test.ts drives it through the bin.
const CORES = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];
const ms = (cores: number, workers: number, decodeThreads = cores) => predictThroughput(STAGE_COSTS, { cores, workers, decodeThreads }).msPerPhoto;

it.each(CORES)('on %i cores starts the fewest workers the scaling model puts within 5%% of the best worker count', (cores) => {
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

it('libuv threads: UV_THREADPOOL_SIZE where it is a positive integer, else 4', () => {
  expect([{}, { UV_THREADPOOL_SIZE: '16' }, { UV_THREADPOOL_SIZE: '0' }, { UV_THREADPOOL_SIZE: 'x' }].map((env) => libuvThreads(env))).toEqual([4, 16, 4, 4]);
});

it('the model: one core is the sum of the stages; libuv pool bounds decodes once cores outnumber its threads', () => {
  const one = predictThroughput(STAGE_COSTS, { cores: 1, workers: 1 });
  expect(one.msPerPhoto).toBeCloseTo(STAGE_COSTS.decode + STAGE_COSTS.main + STAGE_COSTS.run1, 10);
  const wide = predictThroughput(STAGE_COSTS, { cores: 64, workers: 16, decodeThreads: 4 });
  expect(wide).toMatchObject({ bound: 'decode', msPerPhoto: STAGE_COSTS.decode / 4 });
  // a pool of the whole libuv pool's size goes past it
  expect(predictThroughput(STAGE_COSTS, { cores: 64, workers: 16, decodeThreads: 64 }).msPerPhoto).toBeLessThan(wide.msPerPhoto);
});
