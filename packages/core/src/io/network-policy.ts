import { OnnxMobilenetError, clipText, describeError } from '../errors/errors.js';

/**
 * A caller's check of every host a download reaches: the first request and every redirect. It
 * gets the URL about to be requested (credentials included, as they would be sent) and returns
 * (or resolves to) `true` to allow it; anything else refuses the hop with `E_FORBIDDEN`.
 */
export type HostCheck = (url: URL) => boolean | Promise<boolean>;

/** Which addresses a download may reach, decided from a classifier's options. */
export interface NetworkPolicy {
  /** Allow loopback, private, link-local, CGNAT and unspecified addresses (default false). */
  allowPrivateNetwork: boolean;
  /** The caller's host check (`allowHost`), called on every hop. */
  allowHost?: HostCheck | undefined;
  /** Redirects followed at most (`limits.maxRedirects`); one more is `E_LIMIT`. */
  maxRedirects: number;
}

/**
 * The policy of a classifier created without network options: private addresses refused, 5 redirects.
 *
 * @example
 * ```ts
 * await fetchBounded(url, { what: 'image', maxBytes, timeoutMs, network: STRICT_NETWORK });
 * ```
 */
export const STRICT_NETWORK: Readonly<NetworkPolicy> = Object.freeze({ allowPrivateNetwork: false, maxRedirects: 5 });

/**
 * The policy of a classifier's options (`allowPrivateNetwork`, `allowHost`, `limits.maxRedirects`).
 *
 * @example
 * ```ts
 * networkPolicy({ allowPrivateNetwork: true }, DEFAULTS.limits); // { allowPrivateNetwork: true, allowHost: undefined, maxRedirects: 5 }
 * ```
 */
export function networkPolicy(
  options: { allowPrivateNetwork?: boolean | undefined; allowHost?: HostCheck | undefined },
  limits: { maxRedirects: number },
): NetworkPolicy {
  // Own properties only: an `Object.prototype.allowPrivateNetwork = true` set elsewhere must not widen it.
  const own = (key: 'allowPrivateNetwork' | 'allowHost') => (Object.hasOwn(options, key) ? options[key] : undefined);
  return { allowPrivateNetwork: own('allowPrivateNetwork') === true, allowHost: own('allowHost') as HostCheck | undefined, maxRedirects: limits.maxRedirects };
}

/** `[first address, prefix length, kind]`; the first match names the kind. */
type Range4 = readonly [number, number, string];
const V4_RANGES: readonly Range4[] = [
  [0x00000000, 8, 'unspecified ("this network")'], // 0.0.0.0/8: 0.0.0.0 connects to the local host
  [0x7f000000, 8, 'loopback'], // 127/8
  [0x0a000000, 8, 'private'], // 10/8
  [0xac100000, 12, 'private'], // 172.16/12
  [0xc0a80000, 16, 'private'], // 192.168/16
  [0xa9fe0000, 16, 'link-local'], // 169.254/16, cloud metadata services (169.254.169.254) among them
  [0x64400000, 10, 'carrier-grade NAT'], // 100.64/10
  [0xc0000000, 24, 'IETF protocol assignment'], // 192.0.0/24
  [0xc6120000, 15, 'benchmarking'], // 198.18/15, used inside networks
  [0xe0000000, 4, 'multicast'], // 224/4
  [0xf0000000, 4, 'reserved'], // 240/4, 255.255.255.255 included
];

function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function kindOfIPv4(n: number): string | undefined {
  for (const [first, bits, kind] of V4_RANGES) {
    const size = 2 ** (32 - bits);
    if (n >= first && n < first + size) return kind;
  }
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included), or undefined. */
function parseIPv6(text: string): number[] | undefined {
  let s = text.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // brackets, zone id
  const dotted = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const v4 = parseIPv4(dotted[1]!);
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, -dotted[1]!.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string) => (h === '' ? [] : h.split(':'));
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...Array<string>(missing).fill('0'), ...rest].map((g) => Number.parseInt(g, 16));
}

function kindOfIPv6(g: number[]): string | undefined {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  const v4 = g[6]! * 65536 + g[7]!;
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach the IPv4 address.
  if ((zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) || (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6))) {
    const kind = kindOfIPv4(v4);
    return kind && `${kind} (IPv4 inside IPv6)`;
  }
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'unique-local (private)'; // fc00::/7
  if ((first & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((first & 0xffc0) === 0xfec0) return 'site-local (private)'; // fec0::/10, deprecated
  if ((first & 0xff00) === 0xff00) return 'multicast';
  return undefined;
}

/**
 * What kind of non-public address `address` is (`'loopback'`, `'private'`, `'link-local'`,
 * `'carrier-grade NAT'`, `'unspecified'`, ...), or `undefined` for a public address or a host
 * name. Takes IPv4 dotted quads and IPv6 (bracketed or not, IPv4-mapped forms included), as URL
 * host names and DNS answers give them.
 *
 * @example
 * ```ts
 * privateAddressKind('::ffff:127.0.0.1'); // 'loopback (IPv4 inside IPv6)'
 * privateAddressKind('93.184.215.14'); // undefined
 * ```
 */
export function privateAddressKind(address: string): string | undefined {
  const v4 = parseIPv4(address);
  if (v4 !== undefined) return kindOfIPv4(v4);
  const v6 = address.includes(':') ? parseIPv6(address) : undefined;
  return v6 ? kindOfIPv6(v6) : undefined;
}

/**
 * A URL as it may be shown in a message, a warning or a progress event: the user name and
 * password and every query value and fragment replaced by `***`, since they often carry tokens.
 * A string that does not parse as a URL is shown cut to 200 characters, any `user:password@` and
 * query removed the same way.
 *
 * @example
 * ```ts
 * redactUrl('https://me:pw@example.com/m.onnx?token=abc#x'); // 'https://***@example.com/m.onnx?token=***#***'
 * ```
 */
export function redactUrl(url: string | URL): string {
  // cut short too: a caller's 8 KB URL, or a server's Location header, is quoted at most clipText's length
  return clipText(redacted(url));
}

function redacted(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch {
    return String(url)
      .slice(0, 2000)
      .replace(/\/\/[^/?#@]*@/, '//***@')
      .replace(/\?.*$/, '?***');
  }
  if (!u.protocol.startsWith('http') && u.protocol !== 'file:') return `${u.protocol}***`; // data:, blob:: the rest is content
  const secret = u.username !== '' || u.password !== '';
  const query = u.search
    ? `?${u.search
        .slice(1)
        .split('&')
        .map((pair) => `${pair.split('=')[0]}=***`)
        .join('&')}`
    : '';
  const fragment = u.hash ? '#***' : '';
  return `${u.protocol}//${secret ? '***@' : ''}${u.host}${u.pathname}${query}${fragment}`;
}

/**
 * `text` (an error message from a fetch, a socket) with every URL in it passed through
 * {@link redactUrl}: undici's errors quote the whole URL, credentials included.
 *
 * @example
 * ```ts
 * redactUrlsIn('bad URL: http://u:p@h/x'); // 'bad URL: http://***@h/x'
 * ```
 */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi, (url) => redactUrl(url));
}

/**
 * The `E_FORBIDDEN` error for a hop to a non-public address; `reached` says what it is, e.g.
 * `'127.0.0.1, a loopback address'`.
 *
 * @example
 * ```ts
 * throw privateAddressError(new URL('http://db.internal/'), 'db.internal = 10.0.0.7, a private address', 'image');
 * ```
 */
export function privateAddressError(url: URL, reached: string, what: string): OnnxMobilenetError {
  return new OnnxMobilenetError(
    'E_FORBIDDEN',
    `${what} URL ${redactUrl(url)} leads to ${reached}; private and local addresses are refused unless createClassifier is given allowPrivateNetwork: true`,
  );
}

/** What {@link checkHop} needs besides the URL and policy. */
export interface HopContext {
  /** `'image'`, `'model'`, `'labels'`, for messages. */
  what: string;
  /** `'first'` for the URL given, the redirect's number, or `'final'` for where a platform's redirects ended. */
  hop: 'first' | 'final' | number;
  /** An origin whose URLs skip the private-address rule (a page's own server; browsers only). */
  trustedOrigin?: string | undefined;
}

/**
 * Checks one hop of a download against the policy before it is requested: `http:` or `https:`
 * only (a `data:` or `blob:` URL as the first hop reaches no network and passes), no redirect from `https:` to `http:` (it would send over plain text what was asked
 * over TLS), the caller's `allowHost` hook, and a literal IP host that is not public (decimal,
 * hex and IPv4-mapped forms included: the URL parser turns them into the plain address). Host
 * names are checked where the connection is made (the Node adapter's lookup). Every refusal is
 * `E_FORBIDDEN` naming the option that widens it.
 *
 * @example
 * ```ts
 * await checkHop(new URL('http://169.254.169.254/'), undefined, STRICT_NETWORK, { what: 'image', hop: 'first' }); // throws E_FORBIDDEN
 * ```
 */
export async function checkHop(url: URL, previous: URL | undefined, policy: NetworkPolicy, context: HopContext): Promise<void> {
  const { what } = context;
  const at = context.hop === 'first' ? '' : context.hop === 'final' ? ' (where its redirects ended)' : ` (redirect ${context.hop})`;
  // data: and blob: URLs given by the caller reach no network (inline bytes, the page's own memory).
  if (context.hop === 'first' && (url.protocol === 'data:' || url.protocol === 'blob:')) return;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OnnxMobilenetError('E_FORBIDDEN', `${what} URL${at} ${redactUrl(url)} is not http(s): only http: and https: are fetched`);
  }
  if (previous?.protocol === 'https:' && url.protocol === 'http:') {
    throw new OnnxMobilenetError(
      'E_FORBIDDEN',
      `${what} URL ${redactUrl(previous)} redirects from https: to plain http: ${redactUrl(url)}; such redirects are refused (give the http: URL itself to allow it)`,
    );
  }
  if (policy.allowHost) {
    let allowed: unknown;
    try {
      allowed = await policy.allowHost(new URL(url.href));
    } catch (err) {
      throw new OnnxMobilenetError('E_FORBIDDEN', `allowHost threw for ${what} URL${at} ${redactUrl(url)}: ${describeError(err)}`, { cause: err });
    }
    if (allowed !== true) throw new OnnxMobilenetError('E_FORBIDDEN', `${what} URL${at} ${redactUrl(url)} was refused by the allowHost option`);
  }
  if (policy.allowPrivateNetwork || (context.trustedOrigin !== undefined && url.origin === context.trustedOrigin)) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const kind = privateAddressKind(host);
  if (kind) throw privateAddressError(url, `${host}, a ${kind} address`, `${what}${at}`);
  if (/^localhost$|\.localhost$/i.test(host.replace(/\.$/, ''))) {
    // Resolved to loopback by most resolvers and by browsers without asking DNS (RFC 6761).
    throw privateAddressError(url, `${host}, a loopback name`, `${what}${at}`);
  }
}
