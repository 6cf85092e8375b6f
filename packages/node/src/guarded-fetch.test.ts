import { createServer, type Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchBounded } from '@onnx-mobilenet/core/adapter';
import { publicOnlyFetch, publicOnlyLookup, type ResolveAll } from './guarded-fetch.js';

/** A resolver answering from a table, as DNS would (a rebinding server answers what it likes). */
const resolver =
  (table: Record<string, string[]>): ResolveAll =>
  (hostname, _options, callback) =>
    callback(
      null,
      (table[hostname] ?? []).map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
    );

describe('publicOnlyLookup', () => {
  it('keeps the public addresses of an answer, in both lookup forms', async () => {
    const lookup = publicOnlyLookup(resolver({ mixed: ['127.0.0.1', '93.184.215.14', '::1', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] }));
    const all = await new Promise((resolve) => lookup('mixed', { all: true }, (err, addresses) => resolve([err, addresses])));
    expect(all).toEqual([
      null,
      [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
      ],
    ]);
    const one = await new Promise((resolve) => lookup('mixed', {}, (err, address, family) => resolve([err, address, family])));
    expect(one).toEqual([null, '93.184.215.14', 4]);
  });

  it('refuses a name with only non-public addresses, saying what it resolved to', async () => {
    const lookup = publicOnlyLookup(resolver({ internal: ['10.0.0.7', '169.254.169.254'] }));
    const err = await new Promise((resolve) => lookup('internal', {}, (e) => resolve(e)));
    expect(err).toMatchObject({ code: 'E_FORBIDDEN', message: 'internal = 10.0.0.7, a private address' });
  });
});

describe('publicOnlyFetch (DNS rebinding)', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('secret');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses a host name that resolves to 127.0.0.1 when connecting, though the URL names no address', async () => {
    const fetch = publicOnlyFetch(resolver({ 'rebind.example': ['127.0.0.1'] }));
    await expect(
      fetchBounded(`http://rebind.example:${port}/`, {
        what: 'image',
        maxBytes: 100,
        timeoutMs: 10_000,
        fetch,
        network: { allowPrivateNetwork: false, maxRedirects: 5 },
      }),
    ).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
      message: expect.stringMatching(/rebind\.example = 127\.0\.0\.1, a loopback address.*allowPrivateNetwork/),
    });
    expect(hits).toBe(0);
  });
});
