import { describe, expect, it } from 'vitest';
import { classifyStreamWith, type StreamParts } from './classify-stream.js';
import { OnnxMobilenetError } from '../errors/errors.js';

const parts: StreamParts<number> = {
  labels: [
    { index: 0, id: 'a', label: 'a', synonyms: ['a'] },
    { index: 1, id: 'b', label: 'b', synonyms: ['b'] },
  ],
  topK: 1,
  probabilities: async (n) => Float32Array.of(n === 0 ? 1 : 0, n === 0 ? 0 : 1),
};

/** A source that yields 0 and then fails with `error`. */
async function* failsWith(error: unknown) {
  yield 0;
  throw error;
}

describe('classifyStream: an iterable source that fails', () => {
  it("ends the stream with the source's own OnnxMobilenetError, code and message kept", async () => {
    const error = new OnnxMobilenetError('E_NOT_FOUND', 'video file not found: /videos/missing.mp4');
    const stream = classifyStreamWith(parts, failsWith(error), undefined);
    expect((await stream.next()).value).toMatchObject({ frame: 0, predictions: [{ id: 'a' }] });
    await expect(stream.next()).rejects.toBe(error);
  });

  it('ends it with E_INPUT naming the item for any other error', async () => {
    const stream = classifyStreamWith(parts, failsWith(new Error('pipe broke')), undefined);
    await stream.next();
    await expect(stream.next()).rejects.toMatchObject({ code: 'E_INPUT', message: "the stream's source failed at item 1: pipe broke" });
  });
});
