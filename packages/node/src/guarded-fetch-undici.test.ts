// undici that cannot be imported (left out of a bundle's node_modules, or a broken install): the
// download fails as E_RUNTIME naming undici, not as a network failure of the URL.
import { fetchBounded } from '@onnx-mobilenet/core/adapter';
import { describe, expect, it, vi } from 'vitest';
import { publicOnlyFetch } from './guarded-fetch.js';

vi.mock('undici', () => {
  throw new Error("Cannot find package 'undici'");
});

describe('publicOnlyFetch without undici', () => {
  it('is a typed E_RUNTIME naming undici, and a later download tries the import again', async () => {
    const download = () =>
      fetchBounded('https://example.com/model.onnx', { what: 'model', maxBytes: 100, timeoutMs: 5000, fetch: publicOnlyFetch() }).catch((e: unknown) => e);
    for (const err of [await download(), await download()]) {
      expect(err).toMatchObject({ code: 'E_RUNTIME', message: expect.stringMatching(/^undici .*cannot load in this process/) });
      expect(String((err as Error).message)).not.toContain('could not fetch');
    }
  });
});
