import { expect, it } from 'vitest';
import { defaultWorkers } from './classifier-pool.js';

// The pool itself runs worker threads from dist/ (pool-worker.js): large-job.test.ts drives it through the bin.
it('starts one worker per 4 cores, at least one', () => {
  expect([1, 2, 3, 4, 7, 8, 16, 32].map((cores) => defaultWorkers(cores))).toEqual([1, 1, 1, 1, 1, 2, 4, 8]);
});
