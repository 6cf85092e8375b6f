// The worker's options are read as createClassifier's are: own properties only, numbers checked.
// No Redis is needed: each case fails (or, before the fix, went on) before the worker connects.
import { isOnnxMobilenetError } from '@onnx-mobilenet/node';
import { describe, expect, it } from 'vitest';
import { withPollution } from '../../../test/pollution.js';
import { createQueueWorker, type JobClassifier } from './worker.js';

/** The typed error of a worker that must not start; one that starts is closed and fails the test. */
async function refusal(options: Parameters<typeof createQueueWorker>[0]): Promise<{ code: string; message: string }> {
  let started: Awaited<ReturnType<typeof createQueueWorker>> | undefined;
  try {
    started = await createQueueWorker(options);
  } catch (err) {
    if (!isOnnxMobilenetError(err)) throw err;
    return { code: err.code, message: err.message };
  }
  await started.close();
  throw new Error('the worker started');
}

describe('createQueueWorker options', () => {
  const connection = 'redis://127.0.0.1:1';
  const classifierOptions = { model: '/nonexistent/model.onnx' };

  it('ignores a classifier planted on Object.prototype: it loads the one its options name', async () => {
    const planted: JobClassifier = { classify: async () => [{ index: 0, id: 'planted', label: 'planted', probability: 1 }] };
    // Before: the planted classifier was used and the worker started
    const outcome = await withPollution([{ on: 'Object', key: 'classifier', value: planted }], () => refusal({ connection, classifierOptions }));
    expect(outcome).toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('checks its numbers and names a throwing getter (E_INPUT)', async () => {
    expect(await refusal({ connection, classifierOptions, lockDuration: 2 ** 32 })).toEqual({
      code: 'E_INPUT',
      message: 'lockDuration must be an integer from 1 to 2147483647, got number 4294967296',
    });
    expect(await refusal({ connection, classifierOptions, concurrency: 0 })).toMatchObject({
      code: 'E_INPUT',
      message: expect.stringContaining('concurrency'),
    });
    const throwing = Object.defineProperty({ connection }, 'classifierOptions', {
      enumerable: true,
      get() {
        throw new Error('getter failed');
      },
    });
    expect(await refusal(throwing)).toEqual({ code: 'E_INPUT', message: 'reading option classifierOptions threw: getter failed' });
  });
});
