import { describe, expect, it } from 'vitest';
import { fetchBounded, parseUrl, readBody, type FetchLike, type ResponseLike } from './read-body.js';

const KiB = 1024;

/** A body of `chunks` chunks of `size` zero bytes (endless when Infinity); `pulled` counts what was produced. */
function zeros(size: number, chunks: number) {
  const state = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= size * chunks) return controller.close();
      state.pulled += size;
      controller.enqueue(new Uint8Array(size));
    },
  });
  return { stream, state };
}

describe('readBody', () => {
  it('returns the whole body with progress, the total from Content-Length', async () => {
    const { stream } = zeros(10 * KiB, 3);
    const progress: number[] = [];
    const bytes = await readBody(new Response(stream, { headers: { 'content-length': String(30 * KiB) } }), {
      url: 'http://x/a',
      what: 'model',
      maxBytes: 30 * KiB,
      onProgress: (p) => progress.push(p.loaded),
    });
    expect(bytes.byteLength).toBe(30 * KiB);
    expect(progress).toEqual([10 * KiB, 20 * KiB, 30 * KiB]);
  });

  it('stops an endless body as soon as it passes maxBytes', async () => {
    const { stream, state } = zeros(16 * KiB, Infinity);
    await expect(readBody(new Response(stream), { url: 'http://x/a', what: 'image', maxBytes: 100 * KiB })).rejects.toMatchObject({ code: 'E_LIMIT' });
    // 7 chunks pass 100 KiB; the stream may have queued one or two more, never more.
    expect(state.pulled).toBeLessThanOrEqual(10 * 16 * KiB);
  });

  it('counts decoded bytes of a gzip body, whatever its Content-Length says', async () => {
    const gzipped = new Uint8Array(
      await new Response(
        zeros(64 * KiB, 16).stream.pipeThrough(new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>),
      ).arrayBuffer(),
    );
    expect(gzipped.byteLength).toBeLessThan(8 * KiB);
    const encoded = (maxBytes: number) =>
      readBody(
        // What fetch hands over for `Content-Encoding: gzip`: the inflated stream, the header still counting gzip bytes.
        new Response(new Response(gzipped).body!.pipeThrough(new DecompressionStream('gzip')), {
          headers: { 'content-encoding': 'gzip', 'content-length': String(gzipped.byteLength) },
        }),
        { url: 'http://x/a', what: 'labels', maxBytes },
      );
    expect((await encoded(1024 * KiB)).byteLength).toBe(1024 * KiB);
    await expect(encoded(256 * KiB)).rejects.toMatchObject({ code: 'E_LIMIT' });
  });

  it('refuses a declared length over the limit before reading', async () => {
    const big = zeros(KiB, 4);
    await expect(
      readBody(new Response(big.stream, { headers: { 'content-length': '999999' } }), { url: 'u', what: 'model', maxBytes: 2 * KiB }),
    ).rejects.toMatchObject({
      code: 'E_LIMIT',
    });
    expect(big.state.pulled).toBeLessThanOrEqual(KiB);
  });

  it('accepts a gzip body whose Content-Encoding is hidden (cross-origin) and whose Content-Length counts gzip bytes', async () => {
    // Chromium hides Content-Encoding from cross-origin scripts; only Content-Length is visible.
    const gzipped = new Uint8Array(
      await new Response(zeros(KiB, 1).stream.pipeThrough(new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>)).arrayBuffer(),
    );
    const inflated = new Response(gzipped).body!.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
    const bytes = await readBody(new Response(inflated, { headers: { 'content-length': String(gzipped.byteLength) } }), {
      url: 'u',
      what: 'labels',
      maxBytes: 2 * KiB,
    });
    expect(bytes).toEqual(new Uint8Array(KiB));
  });

  it('turns a broken stream into E_DOWNLOAD with the cause', async () => {
    let sent = false;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) controller.enqueue(new Uint8Array(100));
        else controller.error(new TypeError('terminated', { cause: new Error('other side closed') }));
        sent = true;
      },
    });
    await expect(readBody(new Response(broken), { url: 'u', what: 'image', maxBytes: KiB })).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
      message: 'the connection to u broke after 100 bytes: other side closed',
    });
  });
});

describe('fetchBounded', () => {
  const never: FetchLike = (_url, { signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

  it('times out a request that never gets headers', async () => {
    await expect(fetchBounded('http://x/a', { what: 'image', maxBytes: KiB, timeoutMs: 50, fetch: never })).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
      message: expect.stringContaining('sent nothing for 50 ms'),
    });
  });

  /** A 200 response whose body trickles one byte every `everyMs`, `total` bytes (endless when Infinity); `state.cancelled` once the reader gave up. */
  function trickle(everyMs: number, total: number) {
    const state = { sent: 0, cancelled: false };
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (state.sent >= total) return controller.close();
        await new Promise((r) => setTimeout(r, everyMs));
        state.sent++;
        controller.enqueue(new Uint8Array(1));
      },
      cancel() {
        state.cancelled = true;
      },
    });
    const fetch: FetchLike = async () => new Response(body) as unknown as ResponseLike;
    return { fetch, state };
  }

  it('abandons a body that trickles in forever at its deadline, though data never stops for timeoutMs (E_LIMIT naming the limit)', async () => {
    const { fetch, state } = trickle(10, Infinity);
    const started = Date.now();
    await expect(
      fetchBounded('http://x/a', { what: 'image', maxBytes: KiB * KiB, timeoutMs: 200, deadline: { ms: 300, limit: 'limits.maxImageDownloadMs' }, fetch }),
    ).rejects.toMatchObject({ code: 'E_LIMIT', message: expect.stringContaining('limits.maxImageDownloadMs (300 ms)') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await expect.poll(() => state.cancelled).toBe(true);
  }, 5_000);

  it('lets a slow body that ends before its deadline through', async () => {
    const { fetch } = trickle(10, 5);
    const { bytes } = await fetchBounded('http://x/a', {
      what: 'image',
      maxBytes: KiB,
      timeoutMs: 200,
      deadline: { ms: 5_000, limit: 'limits.maxImageDownloadMs' },
      fetch,
    });
    expect(bytes).toHaveLength(5);
  });

  it('keeps the caller abort as the standard AbortError', async () => {
    const controller = new AbortController();
    const pending = fetchBounded('http://x/a', { what: 'image', maxBytes: KiB, timeoutMs: 10_000, fetch: never, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('types HTTP errors, HTML pages where refused, unreachable servers and malformed URLs', async () => {
    const answer =
      (response: ResponseLike): FetchLike =>
      async () =>
        response;
    const base = { what: 'model', maxBytes: KiB, timeoutMs: 1000 };
    await expect(fetchBounded('http://x/a', { ...base, fetch: answer(new Response('no', { status: 404, statusText: 'Not Found' })) })).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
      message: 'HTTP 404 Not Found from model URL http://x/a',
    });
    const html = new Response('<html>', { headers: { 'content-type': 'text/html' } });
    await expect(fetchBounded('http://x/a', { ...base, refuseHtml: true, fetch: answer(html) })).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
      message: expect.stringContaining('HTML page'),
    });
    const refused: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    };
    await expect(fetchBounded('http://x/a', { ...base, fetch: refused, unreachableHint: 'Offline?' })).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
      message: 'could not fetch model http://x/a: connect ECONNREFUSED. Offline?',
    });
    await expect(fetchBounded('http://[::1', { ...base, fetch: refused })).rejects.toMatchObject({ code: 'E_INPUT' });
    expect(() => parseUrl('http://exa mple.com/', 'image')).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
