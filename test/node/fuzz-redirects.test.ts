// Fuzzing redirect chains (issue 20, item 2): seeded chains of 0 to 9 redirects whose hops go to
// public hosts, to non-public addresses spelled every way the URL parser accepts (dotted, decimal,
// hex, octal, short, IPv4-mapped IPv6, localhost names), to other schemes, or nowhere (no
// Location). Part one runs core's fetchBounded over a fake network, where "public" can be any
// address: no request may reach a non-public hop, none may exceed limits.maxRedirects + 1, and each
// chain must end as its construction says. Part two runs the same kinds of chains through a
// classifier against two servers on 127.0.0.1 with allowHost allowing only one of them. FUZZ_SEED
// replays a run; FUZZ_COUNT / 10 chains (200 by default; pnpm fuzz runs 2000).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fetchBounded, type FetchLike, type ResponseLike } from '@onnx-mobilenet/core/adapter';
import { createClassifier, isOnnxMobilenetError, type NodeClassifier } from '@onnx-mobilenet/node';
import { INT8_MODEL, SYNSET, describeWithAssets, photo } from '../assets.js';
import { rng } from './fuzz-inputs.js';
import { serveHostile, type Behaviour, type HostileServer } from './hostile-server.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const COUNT = Math.max(1, Math.ceil(Number(process.env.FUZZ_COUNT ?? 2000) / 10));
const REDIRECTS = [301, 302, 303, 307, 308];

type Int = (lo: number, hi: number) => number;

/** A non-public IPv4 address as a number, from a range chosen at random (the ranges of the README). */
function privateV4(int: Int): number {
  const ranges: [number, number][] = [
    [0x7f000000, 8], // loopback
    [0x0a000000, 8],
    [0xac100000, 12],
    [0xc0a80000, 16],
    [0xa9fe0000, 16], // link-local, metadata
    [0x64400000, 10], // CGNAT
    [0x00000000, 8],
  ];
  const [base, bits] = ranges[int(0, ranges.length - 1)]!;
  return base + int(0, 2 ** (32 - bits) - 1);
}

/** A public IPv4 address (8/8, 1/8, 93.184/16), as a number. */
function publicV4(int: Int): number {
  const bases = [0x08000000, 0x01000000, 0x5db80000];
  const base = bases[int(0, 2)]!;
  return base + int(0, base === 0x5db80000 ? 0xffff : 0xffffff);
}

/** `n` spelled one of the ways the WHATWG URL parser reads as that IPv4 address. */
function spellV4(n: number, int: Int): string {
  const parts = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  switch (int(0, 6)) {
    case 0:
      return String(n); // decimal
    case 1:
      return `0x${n.toString(16)}`; // hex
    case 2:
      return parts.map((p) => `0${p.toString(8)}`).join('.'); // octal parts
    case 3:
      return `${parts[0]}.${parts[1]}.${parts[2]! * 256 + parts[3]!}`; // short form
    case 4:
      return `[::ffff:${parts.join('.')}]`; // IPv4-mapped
    case 5:
      return `[::ffff:${((n >>> 16) & 0xffff).toString(16)}:${(n & 0xffff).toString(16)}]`;
    default:
      return parts.join('.');
  }
}

type Hop = { host: string; refused: boolean; scheme?: string };

function makeHop(int: Int): Hop {
  const roll = int(0, 99);
  if (roll < 20) return { host: spellV4(privateV4(int), int), refused: true };
  if (roll < 25)
    return {
      host: ['[::1]', '[::]', `[fd${int(0, 255).toString(16).padStart(2, '0')}::${int(1, 999)}]`, `[fe80::${int(1, 999)}]`, 'localhost', `db.localhost`][
        int(0, 5)
      ]!,
      refused: true,
    };
  if (roll < 28) return { host: 'cdn.example', refused: true, scheme: ['file:', 'ftp:', 'data:', 'javascript:'][int(0, 3)]! };
  if (roll < 50) return { host: spellV4(publicV4(int), int), refused: false };
  return { host: `cdn${int(0, 9)}.example`, refused: false };
}

interface Chain {
  hops: Hop[];
  /** The redirect status of each hop but the last, or null for a redirect without a Location. */
  statuses: (number | null)[];
  maxRedirects: number;
}

function makeChain(int: Int): Chain {
  const length = int(1, 10);
  const hops = Array.from({ length }, () => makeHop(int));
  // a data: or blob: URL given by the caller reaches no network and is fetched: schemes only on redirects
  if (hops[0]!.scheme) hops[0] = { host: `cdn${int(0, 9)}.example`, refused: false };
  const statuses = hops.slice(1).map(() => (int(0, 29) === 0 ? null : REDIRECTS[int(0, 4)]!));
  return { hops, statuses, maxRedirects: int(0, 6) };
}

function hrefOf(hop: Hop, i: number): string {
  if (hop.scheme === 'data:' || hop.scheme === 'javascript:') return `${hop.scheme}x${i}`;
  return `${hop.scheme ?? 'http:'}//${hop.host}/hop${i}.jpg`;
}

/** What the chain must end in, from its construction: the first refused hop, the limit, a missing Location, or the body. */
function expected(chain: Chain): { outcome: string; requests: number } {
  for (let i = 0; i < chain.hops.length; i++) {
    if (chain.hops[i]!.refused) return { outcome: 'E_FORBIDDEN', requests: i };
    if (i === chain.hops.length - 1) return { outcome: 'ok', requests: i + 1 };
    if (chain.statuses[i] === null) return { outcome: 'E_DOWNLOAD', requests: i + 1 };
    if (i >= chain.maxRedirects) return { outcome: 'E_LIMIT', requests: i + 1 };
  }
  throw new Error('unreachable');
}

/** A network where each hop's URL answers with its redirect to the next one, and the last with bytes. */
function fakeNetwork(chain: Chain): { fetch: FetchLike; requested: string[] } {
  const answers = new Map<string, { status: number; location?: string }>();
  chain.hops.forEach((hop, i) => {
    if (hop.refused) return; // never to be requested: no answer, so a request would be a 404 and show
    const href = new URL(hrefOf(hop, i)).href;
    const next = chain.hops[i + 1];
    const status = chain.statuses[i];
    if (!next) answers.set(href, { status: 200 });
    else answers.set(href, status === null ? { status: 302 } : { status: status!, location: hrefOf(next, i + 1) });
  });
  const requested: string[] = [];
  const fetch: FetchLike = async (url) => {
    requested.push(url);
    const a = answers.get(url) ?? { status: 404 };
    const headers = new Map<string, string>();
    if (a.location) headers.set('location', a.location);
    let sent = false;
    const response: ResponseLike = {
      ok: a.status === 200,
      status: a.status,
      statusText: '',
      headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
      body: {
        getReader: () => ({
          read: async () => {
            if (sent) return { done: true };
            sent = true;
            return { done: false, value: new Uint8Array([42]) };
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

it(`fuzzing redirect chains over a fake network (seed ${SEED}, ${COUNT} chains)`, async () => {
  const random = rng(SEED);
  const int: Int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
  const failures: string[] = [];
  for (let n = 0; n < COUNT; n++) {
    const chain = makeChain(int);
    const net = fakeNetwork(chain);
    const outcome = await fetchBounded(hrefOf(chain.hops[0]!, 0), {
      what: 'image',
      maxBytes: 100,
      timeoutMs: 10_000,
      fetch: net.fetch,
      network: { allowPrivateNetwork: false, maxRedirects: chain.maxRedirects },
    }).then(
      () => 'ok',
      (err: unknown) => (isOnnxMobilenetError(err) ? err.code : `untyped ${String(err)}`),
    );
    const want = expected(chain);
    const label = `#${n} ${chain.hops.map((h, i) => `${hrefOf(h, i)}${h.refused ? '(refused)' : ''}`).join(' -> ')} statuses ${chain.statuses.join(',')} max ${chain.maxRedirects}`;
    if (outcome !== want.outcome) failures.push(`${label}: expected ${want.outcome}, got ${outcome}`);
    if (net.requested.length !== want.requests) failures.push(`${label}: expected ${want.requests} requests, got ${net.requested.length}`);
    if (net.requested.length > chain.maxRedirects + 1) failures.push(`${label}: ${net.requested.length} requests`);
  }
  expect(failures.slice(0, 10)).toEqual([]);
});

/**
 * The outcome of a chain of routes under the default limits.maxRedirects (5): a redirect arriving
 * after 5 were followed is E_LIMIT; one to another server (the internal one) is E_FORBIDDEN.
 */
function walk(routes: Record<string, Behaviour>, start: string): string {
  let path = start;
  for (let followed = 0; ; followed++) {
    const route = routes[path]!;
    if (route.kind !== 'redirect') return 'ok';
    if (followed >= 5) return 'E_LIMIT';
    if (route.to.startsWith('http://')) return 'E_FORBIDDEN';
    path = route.to;
  }
}

describeWithAssets(`fuzzing redirect chains against 127.0.0.1 (seed ${SEED})`, () => {
  let allowed: HostileServer; // stands for the public host: allowHost lets only its port through
  let internal: HostileServer; // stands for an internal service: no request may reach it
  let classifier: NodeClassifier;
  const chains: { path: string; want: string }[] = [];

  beforeAll(async () => {
    const random = rng(SEED + 1);
    const int: Int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
    const jpeg = readFileSync(photo(0).path);
    internal = await serveHostile({ '/secret.jpg': { kind: 'file', body: jpeg, type: 'image/jpeg' } });
    const port = new URL(internal.url('/')).port;
    const routes: Record<string, Behaviour> = {};
    const count = Math.max(1, Math.ceil(COUNT / 10));
    const plans: { hops: ('next' | 'internal' | 'loop')[]; last: 'file' | 'internal' }[] = [];
    for (let n = 0; n < count; n++) {
      const length = int(0, 7);
      plans.push({
        hops: Array.from({ length }, () => (['next', 'next', 'next', 'internal', 'loop'] as const)[int(0, 4)]!),
        last: int(0, 3) === 0 ? 'internal' : 'file',
      });
    }
    // the internal service in spellings the URL parser reads as 127.0.0.1
    const spellings = [`127.0.0.1:${port}`, `localhost:${port}`, `2130706433:${port}`, `0x7f.1:${port}`, `[::ffff:127.0.0.1]:${port}`, `0.0.0.0:${port}`];
    plans.forEach((plan, n) => {
      plan.hops.forEach((hop, i) => {
        const next = i + 1 < plan.hops.length ? `/${n}/${i + 1}` : `/${n}/end`;
        const internalUrl = `http://${spellings[int(0, spellings.length - 1)]}/secret.jpg`;
        routes[`/${n}/${i}`] = { kind: 'redirect', to: hop === 'internal' ? internalUrl : hop === 'loop' ? `/${n}/0` : next };
      });
      routes[`/${n}/end`] =
        plan.last === 'file' ? { kind: 'file', body: jpeg, type: 'image/jpeg' } : { kind: 'redirect', to: `http://localhost:${port}/secret.jpg` };
      const start = plan.hops.length ? `/${n}/0` : `/${n}/end`;
      chains.push({ path: start, want: walk(routes, start) });
    });
    allowed = await serveHostile(routes);
    const allowedPort = new URL(allowed.url('/')).port;
    classifier = await createClassifier({
      model: INT8_MODEL,
      labels: SYNSET,
      allowPrivateNetwork: true,
      allowHost: (url) => url.hostname === '127.0.0.1' && url.port === allowedPort,
    });
  });
  afterAll(async () => {
    await classifier?.dispose();
    await allowed?.close();
    await internal?.close();
  });

  it('ends each chain as built, and no request reaches the internal server', async () => {
    const failures: string[] = [];
    for (const { path, want } of chains) {
      const outcome = await classifier.classify(allowed.url(path), { topK: 1 }).then(
        (p) => (p[0]?.id === photo(0).wnid ? 'ok' : `wrong ${p[0]?.id}`),
        (err: unknown) => (isOnnxMobilenetError(err) ? err.code : `untyped ${String(err)}`),
      );
      if (outcome !== want) failures.push(`${path}: expected ${want}, got ${outcome}`);
    }
    expect(failures).toEqual([]);
    expect(internal.hits.get('/secret.jpg') ?? 0).toBe(0);
  }, 120_000);
});
