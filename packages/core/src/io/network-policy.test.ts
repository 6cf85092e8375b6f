import { describe, expect, it } from 'vitest';
import { networkPolicy, privateAddressKind, redactUrl, type NetworkPolicy } from './network-policy.js';
import { fetchBounded, type FetchLike, type ResponseLike } from './read-body.js';

describe('privateAddressKind', () => {
  it('names loopback, private, link-local, CGNAT and unspecified addresses, IPv4-mapped forms included', () => {
    const cases: [string, string | undefined][] = [
      ['127.0.0.1', 'loopback'],
      ['127.255.255.254', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['172.32.0.1', undefined],
      ['192.168.1.1', 'private'],
      ['169.254.169.254', 'link-local'],
      ['100.64.0.1', 'carrier-grade NAT'],
      ['100.128.0.1', undefined],
      ['0.0.0.0', 'unspecified ("this network")'],
      ['255.255.255.255', 'reserved'],
      ['8.8.8.8', undefined],
      ['93.184.215.14', undefined],
      ['::1', 'loopback'],
      ['[::1]', 'loopback'],
      ['::', 'unspecified'],
      ['0:0:0:0:0:0:0:1', 'loopback'],
      ['::ffff:127.0.0.1', 'loopback (IPv4 inside IPv6)'],
      ['::ffff:7f00:1', 'loopback (IPv4 inside IPv6)'],
      ['::ffff:a9fe:a9fe', 'link-local (IPv4 inside IPv6)'],
      ['::ffff:8.8.8.8', undefined],
      ['64:ff9b::10.0.0.1', 'private (IPv4 inside IPv6)'],
      ['fc00::1', 'unique-local (private)'],
      ['fd12:3456::1', 'unique-local (private)'],
      ['fe80::1%eth0', 'link-local'],
      ['febf::1', 'link-local'],
      ['fec0::1', 'site-local (private)'],
      ['2001:4860:4860::8888', undefined],
      ['example.com', undefined],
      ['1.2.3', undefined],
      ['1:2:3', undefined],
    ];
    for (const [address, kind] of cases) expect([address, privateAddressKind(address)]).toEqual([address, kind]);
  });

  it('sees the address the URL parser makes of decimal, hex and short IPv4 forms', () => {
    for (const href of ['http://2130706433/', 'http://0x7f.1/', 'http://127.1/', 'http://0177.0.0.1/', 'http://[::ffff:127.0.0.1]/']) {
      const host = new URL(href).hostname.replace(/^\[|\]$/g, '');
      expect([href, privateAddressKind(host)?.startsWith('loopback')]).toEqual([href, true]);
    }
  });
});

describe('networkPolicy', () => {
  it("reads only the options object's own allowPrivateNetwork: a polluted prototype does not widen it", () => {
    const proto = Object.prototype as { allowPrivateNetwork?: boolean };
    proto.allowPrivateNetwork = true;
    try {
      expect(networkPolicy({}, { maxRedirects: 5 }).allowPrivateNetwork).toBe(false);
      expect(networkPolicy({ allowPrivateNetwork: true }, { maxRedirects: 5 }).allowPrivateNetwork).toBe(true);
    } finally {
      delete proto.allowPrivateNetwork;
    }
  });
});

describe('redactUrl', () => {
  it('hides credentials, query values and fragments, keeps the rest', () => {
    expect(redactUrl('https://me:pw@example.com/m.onnx?token=abc&v=2#frag')).toBe('https://***@example.com/m.onnx?token=***&v=***#***');
    expect(redactUrl('https://example.com:8443/a/b.jpg')).toBe('https://example.com:8443/a/b.jpg');
    expect(redactUrl('http://tok3n@example.com/')).toBe('http://***@example.com/');
    expect(redactUrl('not a url user:pw@host?key=1')).not.toContain('key=1');
    expect(redactUrl('data:text/plain,secret')).toBe('data:***');
  });
});

/** A fake network: each URL answers with a status and optional Location; every request is recorded. */
function fakeNetwork(routes: Record<string, { status: number; location?: string }>) {
  const requested: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    requested.push(url);
    if (init.redirect !== 'manual') throw new Error('expected manual redirects');
    const route = routes[url] ?? { status: 404 };
    const headers = new Map<string, string>([['content-type', 'image/jpeg']]);
    if (route.location) headers.set('location', route.location);
    const body = new Uint8Array([1, 2, 3]);
    let sent = false;
    const response: ResponseLike = {
      ok: route.status >= 200 && route.status < 300,
      status: route.status,
      statusText: '',
      headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
      body: {
        getReader: () => ({
          read: async () => {
            if (sent) return { done: true };
            sent = true;
            return { done: false, value: body };
          },
          cancel: async () => undefined,
        }),
        cancel: async () => undefined,
      },
    };
    return response;
  };
  return { fetch, requested };
}

const strict: NetworkPolicy = { allowPrivateNetwork: false, maxRedirects: 5 };
const get = (url: string, fetch: FetchLike, network: NetworkPolicy = strict) =>
  fetchBounded(url, { what: 'image', maxBytes: 100, timeoutMs: 5_000, fetch, network });

describe('fetchBounded under a network policy', () => {
  it('refuses a redirect from a public URL to 127.0.0.1 before requesting it', async () => {
    const net = fakeNetwork({ 'https://cdn.example/cat.jpg': { status: 302, location: 'http://127.0.0.1:6379/' } });
    // https -> http is refused first; the same redirect to an https 127.0.0.1 URL is refused for its address
    await expect(get('https://cdn.example/cat.jpg', net.fetch)).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    const net2 = fakeNetwork({ 'http://cdn.example/cat.jpg': { status: 302, location: 'http://127.0.0.1:6379/' } });
    const err = await get('http://cdn.example/cat.jpg', net2.fetch).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringMatching(/redirect 1.*127\.0\.0\.1, a loopback address.*allowPrivateNetwork/) });
    expect(net2.requested).toEqual(['http://cdn.example/cat.jpg']);
    const open = fakeNetwork({ 'http://cdn.example/cat.jpg': { status: 302, location: 'http://127.0.0.1:6379/' }, 'http://127.0.0.1:6379/': { status: 200 } });
    expect((await get('http://cdn.example/cat.jpg', open.fetch, { ...strict, allowPrivateNetwork: true })).bytes).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('refuses literal non-public hosts in every spelling, without a request', async () => {
    const net = fakeNetwork({});
    for (const href of [
      'http://127.0.0.1:8080/a.jpg',
      'http://[::1]/a.jpg',
      'http://0.0.0.0:8080/a.jpg',
      'http://[::ffff:127.0.0.1]/a.jpg',
      'http://2130706433/a.jpg',
      'http://0x7f.1/a.jpg',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/a.jpg',
      'http://[fd00::1]/a.jpg',
      'http://localhost:8080/a.jpg',
      'http://foo.localhost./a.jpg',
    ]) {
      await expect(get(href, net.fetch), href).rejects.toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringContaining('allowPrivateNetwork') });
    }
    expect(net.requested).toEqual([]);
  });

  it('follows at most limits.maxRedirects redirects (E_LIMIT beyond)', async () => {
    const routes: Record<string, { status: number; location?: string }> = { 'http://a.example/6': { status: 200 } };
    for (let i = 0; i < 6; i++) routes[`http://a.example/${i}`] = { status: 301, location: `/${i + 1}` };
    const net = fakeNetwork(routes);
    await expect(get('http://a.example/0', net.fetch)).rejects.toMatchObject({ code: 'E_LIMIT', message: expect.stringContaining('limits.maxRedirects (5)') });
    expect(net.requested).toHaveLength(6);
    expect((await get('http://a.example/0', fakeNetwork(routes).fetch, { ...strict, maxRedirects: 6 })).bytes).toHaveLength(3);
    await expect(get('http://a.example/5', fakeNetwork(routes).fetch, { ...strict, maxRedirects: 0 })).rejects.toMatchObject({ code: 'E_LIMIT' });
  });

  it('asks allowHost on every hop: a redirect cannot bypass it', async () => {
    const seen: string[] = [];
    const allowHost = (url: URL) => {
      seen.push(url.href);
      return url.hostname === 'cdn.example';
    };
    const net = fakeNetwork({ 'http://cdn.example/cat.jpg': { status: 307, location: 'http://evil.example/x' } });
    await expect(get('http://cdn.example/cat.jpg', net.fetch, { ...strict, allowHost })).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
      message: expect.stringMatching(/redirect 1.*evil\.example.*allowHost/),
    });
    expect(seen).toEqual(['http://cdn.example/cat.jpg', 'http://evil.example/x']);
    expect(net.requested).toEqual(['http://cdn.example/cat.jpg']);
    const throwing = () => Promise.reject(new Error('no'));
    await expect(get('http://cdn.example/cat.jpg', net.fetch, { ...strict, allowHost: throwing })).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
  });

  it('lets a data: URL through as the first hop, refuses it and file: as a redirect target', async () => {
    const data = fakeNetwork({ 'data:image/jpeg;base64,AQID': { status: 200 } });
    await get('data:image/jpeg;base64,AQID', data.fetch);
    expect(data.requested).toEqual(['data:image/jpeg;base64,AQID']);
    for (const location of ['file:///etc/passwd', 'data:image/jpeg;base64,AQID']) {
      const net = fakeNetwork({ 'http://cdn.example/cat.jpg': { status: 302, location } });
      await expect(get('http://cdn.example/cat.jpg', net.fetch)).rejects.toMatchObject({
        code: 'E_FORBIDDEN',
        message: expect.stringContaining('not http(s)'),
      });
      expect(net.requested).toEqual(['http://cdn.example/cat.jpg']);
    }
  });

  it('refuses a redirect from https to http', async () => {
    const net = fakeNetwork({ 'https://cdn.example/cat.jpg': { status: 302, location: 'http://cdn.example/cat.jpg' } });
    await expect(get('https://cdn.example/cat.jpg', net.fetch)).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
      message: expect.stringContaining('https: to plain http:'),
    });
    expect(net.requested).toEqual(['https://cdn.example/cat.jpg']);
  });

  it('shows no credentials or query values in messages', async () => {
    const net = fakeNetwork({});
    for (const href of ['http://user:s3cret@cdn.example/missing.jpg?token=t0k3n', 'http://user:s3cret@127.0.0.1/a.jpg?token=t0k3n']) {
      const err = (await get(href, net.fetch).catch((e: unknown) => e)) as Error;
      expect(err.message).toContain('***');
      expect(err.message).not.toMatch(/s3cret|t0k3n|user:/);
    }
  });
});
