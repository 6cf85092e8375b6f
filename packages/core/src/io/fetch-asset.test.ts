import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AssetCache, CACHE_NAME, fetchAsset, openCacheStorage, subtleSha256Hex } from './fetch-asset.js';
import type { FetchLike } from './read-body.js';

const MODEL = new Uint8Array(4096).map((_, i) => (i * 31) % 251);
const SHA = createHash('sha256').update(MODEL).digest('hex');
const OPTIONS = { purpose: 'model' as const, maxBytes: 1 << 20, timeoutMs: 10_000 };
const URL_ = 'https://models.example/m.onnx';

/** A server of one file that counts its requests. */
function server(body: Uint8Array) {
  const state = { requests: 0 };
  const fetch: FetchLike = async () => {
    state.requests++;
    return new Response(body as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } });
  };
  return { fetch, state };
}

/** An in-memory cache as the adapters wrap Cache Storage. */
function memoryCache() {
  const entries = new Map<string, { bytes: Uint8Array; headers: Record<string, string> }>();
  const cache: AssetCache = {
    match: async (url) => {
      const e = entries.get(url);
      return e && new Response(e.bytes as Uint8Array<ArrayBuffer>, { headers: e.headers });
    },
    put: async (url, bytes, headers) => void entries.set(url, { bytes: bytes.slice(), headers }),
    delete: async (url) => entries.delete(url),
  };
  return { cache, entries };
}

describe('fetchAsset', () => {
  it('hashes as sha256 does (the FIPS 180-2 "abc" vector)', async () => {
    expect(await subtleSha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('downloads once, records the hash, and serves later loads from the cache', async () => {
    const { fetch, state } = server(MODEL);
    const { cache, entries } = memoryCache();
    const platform = { cache, sha256Hex: subtleSha256Hex, access: { fetch } };
    expect(await fetchAsset({ kind: 'url', url: URL_, description: 'model' }, OPTIONS, platform)).toEqual(MODEL);
    expect(entries.get(URL_)?.headers['x-onnx-mobilenet-sha256']).toBe(SHA);
    // Workers' Cache API drops an entry without a lifetime at once
    expect(entries.get(URL_)?.headers['cache-control']).toMatch(/max-age=\d{7,}/);
    expect(await fetchAsset({ kind: 'url', url: URL_, sha256: SHA, description: 'model' }, OPTIONS, platform)).toEqual(MODEL);
    expect(state.requests).toBe(1);
  });

  it('waits for the cache write by default, and resolves before it with storeInBackground', async () => {
    const { fetch } = server(MODEL);
    const { cache, entries } = memoryCache();
    // a write that ends only when released: awaiting it would never resolve
    let release = () => {};
    const held: AssetCache = { ...cache, put: (url, bytes, headers) => new Promise<void>((r) => (release = r)).then(() => cache.put(url, bytes, headers)) };
    const bytes = await fetchAsset({ kind: 'url', url: URL_, sha256: SHA, description: 'model' }, OPTIONS, {
      cache: held,
      sha256Hex: subtleSha256Hex,
      access: { fetch },
      storeInBackground: true,
    });
    expect(bytes).toEqual(MODEL);
    expect(entries.has(URL_)).toBe(false);
    release();
    await vi.waitFor(() => expect(entries.get(URL_)?.headers['x-onnx-mobilenet-sha256']).toBe(SHA));

    const order: string[] = [];
    const slow: AssetCache = {
      ...cache,
      put: async (url, b, headers) => {
        await Promise.resolve();
        order.push('stored');
        await cache.put(url, b, headers);
      },
    };
    await fetchAsset({ kind: 'url', url: `${URL_}?2`, description: 'model' }, OPTIONS, { cache: slow, sha256Hex: subtleSha256Hex, access: { fetch } });
    order.push('returned');
    expect(order).toEqual(['stored', 'returned']);
  });

  it('a cache write that fails, at once or later, in the background or not, only costs the entry', async () => {
    const { fetch } = server(MODEL);
    const { cache } = memoryCache();
    const failing: AssetCache[] = [
      {
        ...cache,
        put: () => {
          throw new Error('quota');
        },
      },
      { ...cache, put: () => Promise.reject(new Error('quota')) },
    ];
    for (const broken of failing) {
      for (const storeInBackground of [false, true]) {
        const bytes = await fetchAsset({ kind: 'url', url: URL_, sha256: SHA, description: 'model' }, OPTIONS, {
          cache: broken,
          sha256Hex: subtleSha256Hex,
          access: { fetch },
          storeInBackground,
        });
        expect(bytes).toEqual(MODEL); // and no unhandled rejection (vitest fails the run on one)
      }
    }
  });

  it('drops a cached copy that no longer matches its recorded hash and downloads again', async () => {
    const { fetch, state } = server(MODEL);
    const { cache, entries } = memoryCache();
    const platform = { cache, sha256Hex: subtleSha256Hex, access: { fetch } };
    await fetchAsset({ kind: 'url', url: URL_, description: 'model' }, OPTIONS, platform);
    entries.get(URL_)!.bytes[0]! ^= 0xff;
    expect(await fetchAsset({ kind: 'url', url: URL_, description: 'model' }, OPTIONS, platform)).toEqual(MODEL);
    expect(state.requests).toBe(2);
  });

  it('refuses a download whose sha256 is not the pinned one, and keeps it out of the cache', async () => {
    const { fetch } = server(MODEL);
    const { cache, entries } = memoryCache();
    const wrong = '0'.repeat(64);
    await expect(
      fetchAsset({ kind: 'url', url: URL_, sha256: wrong, description: 'model' }, OPTIONS, { cache, sha256Hex: subtleSha256Hex, access: { fetch } }),
    ).rejects.toMatchObject({
      code: 'E_MODEL_CHECKSUM',
      message: expect.stringContaining(`expected ${wrong}, got ${SHA}`),
    });
    expect(entries.size).toBe(0);
  });

  it('refuses a private address unless the policy allows it, before any request', async () => {
    const { fetch, state } = server(MODEL);
    const platform = { cache: null, sha256Hex: subtleSha256Hex, access: { fetch, network: { allowPrivateNetwork: false, maxRedirects: 5 } } };
    await expect(fetchAsset({ kind: 'url', url: 'http://127.0.0.1:9/m.onnx', description: 'model' }, OPTIONS, platform)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    });
    expect(state.requests).toBe(0);
  });
});

describe('openCacheStorage', () => {
  afterEach(() => void vi.unstubAllGlobals());

  /** Cache Storage as browsers, Workers and Deno have it: buckets of Responses by URL. */
  function cacheStorage() {
    const buckets = new Map<string, Map<string, Response>>();
    const storage = {
      open: async (name: string) => {
        const bucket = buckets.get(name) ?? new Map<string, Response>();
        buckets.set(name, bucket);
        return {
          match: async (url: string) => bucket.get(url)?.clone(),
          put: async (url: string, response: Response) => void bucket.set(url, response),
          delete: async (url: string) => bucket.delete(url),
        };
      },
    };
    return { storage, buckets };
  }

  it('is null where the runtime has no Cache Storage (Node, Bun) or refuses it (opaque origins)', async () => {
    expect('caches' in globalThis).toBe(false);
    expect(await openCacheStorage(CACHE_NAME)).toBeNull();
    vi.stubGlobal('caches', { open: () => Promise.reject(new DOMException('denied', 'SecurityError')) });
    expect(await openCacheStorage(CACHE_NAME)).toBeNull();
    vi.stubGlobal('caches', {
      open: () => {
        throw new Error('sync refusal');
      },
    });
    expect(await openCacheStorage(CACHE_NAME)).toBeNull();
  });

  it("keeps fetchAsset's downloads in the bucket named, as Responses with their headers", async () => {
    const { storage, buckets } = cacheStorage();
    vi.stubGlobal('caches', storage);
    const { fetch, state } = server(MODEL);
    const platform = { cache: await openCacheStorage('mine'), sha256Hex: subtleSha256Hex, access: { fetch } };
    expect(await fetchAsset({ kind: 'url', url: URL_, sha256: SHA, description: 'model' }, OPTIONS, platform)).toEqual(MODEL);
    const stored = buckets.get('mine')?.get(URL_);
    expect(stored?.headers.get('x-onnx-mobilenet-sha256')).toBe(SHA);
    expect(new Uint8Array(await stored!.clone().arrayBuffer())).toEqual(MODEL);
    expect(await fetchAsset({ kind: 'url', url: URL_, sha256: SHA, description: 'model' }, OPTIONS, platform)).toEqual(MODEL);
    expect(state.requests).toBe(1);
    expect([...buckets.keys()]).toEqual(['mine']);
  });
});
