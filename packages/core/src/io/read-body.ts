import type { DownloadProgress } from '../backend.js';
import { concatBytes } from './bytes.js';
import { guardDownload, type DownloadDeadline } from './download-guard.js';
import type { Limits } from '../options/defaults.js';
import { OnnxMobilenetError, byteLimitError, describeError, isOnnxMobilenetError } from '../errors/errors.js';
import { STRICT_NETWORK, checkHop, privateAddressError, redactUrl, redactUrlsIn, type NetworkPolicy } from './network-policy.js';
import { withoutPrototype } from '../options/own-options.js';

// The parts of the fetch API the reader uses, declared here because core has no DOM or Node lib.
// Node's fetch (undici) and every browser's fetch satisfy them.

/** A `ReadableStream` reader of bytes, as fetch returns. */
export interface ByteReader {
  read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
  cancel(reason?: unknown): Promise<void>;
}

/** The parts of a fetch `Response` that {@link readBody} and {@link fetchBounded} use. */
export interface ResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  readonly body: { getReader(): ByteReader; cancel(reason?: unknown): Promise<void> } | null;
  /** Whether the platform followed a redirect (`redirect: 'follow'`), and the URL it ended at. */
  readonly redirected?: boolean | undefined;
  readonly url?: string | undefined;
}

/** A `fetch` function: the platform's (`globalThis.fetch`) or a test double. */
export type FetchLike = (url: string, init: { signal: AbortSignal; redirect: 'follow' | 'manual' }) => Promise<ResponseLike>;

/** What {@link readBody} needs besides the response. */
export interface ReadBodyOptions {
  /** The URL, for messages and progress events (shown as given: pass it through `redactUrl`). */
  url: string;
  /** What is read (`'model'`, `'labels'`, `'image'`), for messages. */
  what: string;
  /** More decoded bytes than this is `E_LIMIT`; reading stops there. */
  maxBytes: number;
  /** The setting that sets `maxBytes` (`'limits.maxEncodedBytes'`), for the message. */
  limit?: string | undefined;
  /** Called for every chunk that arrives (resets an inactivity timer). */
  onData?: (() => void) | undefined;
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Size expected from elsewhere (a registry pin), for progress when the server sends none. */
  expectedBytes?: number | undefined;
  /** When it aborts, a failed read rethrows its reason instead of `E_DOWNLOAD`. */
  signal?: AbortSignal | undefined;
}

/**
 * Reads a fetch response body as a stream, counting the DECODED bytes as they arrive: fetch
 * inflates `Content-Encoding: gzip`/`br` transparently, so a compression bomb is stopped at
 * `maxBytes` (`E_LIMIT`, the stream cancelled) instead of being inflated whole. `Content-Length`
 * only serves to refuse an announced oversize body before reading it (without a visible
 * `Content-Encoding`) and as the progress total. A connection that breaks mid-body (a short
 * body included) is `E_DOWNLOAD` with the cause. One reader for models, labels
 * and images, in Node and in browsers.
 *
 * @example
 * ```ts
 * const bytes = await readBody(await fetch(url), { url, what: 'image', maxBytes: 64 * 2 ** 20 });
 * ```
 */
export async function readBody(response: ResponseLike, given: ReadBodyOptions): Promise<Uint8Array> {
  const options = withoutPrototype<ReadBodyOptions>(given); // see fetchBounded
  const { url, what, maxBytes } = options;
  const tooBig = (n: number) => byteLimitError(`${what} ${url}`, n, options.limit ?? 'the limit', maxBytes, true);
  const header = response.headers.get('content-length');
  // With a Content-Encoding, Content-Length counts the encoded bytes, not the body we read.
  const encoded = (response.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
  const declared = !encoded && header !== null && /^\d+$/.test(header.trim()) ? Number(header) : undefined;
  const total = declared ?? options.expectedBytes;
  if (declared !== undefined && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig(declared);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    let step: Awaited<ReturnType<ByteReader['read']>>;
    try {
      step = await reader.read();
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      // undici reports a cut connection as `TypeError: terminated` with the socket error as cause.
      const reason = redactUrlsIn(describeError((err as { cause?: unknown }).cause ?? err));
      throw new OnnxMobilenetError('E_DOWNLOAD', `the connection to ${url} broke after ${loaded}${total ? ` of ${total}` : ''} bytes: ${reason}`, {
        cause: err,
      });
    }
    if (step.done) break;
    // A fetch that does not end its body on abort (a polyfill, a test double) is stopped here.
    if (options.signal?.aborted) {
      await reader.cancel(options.signal.reason).catch(() => undefined);
      throw options.signal.reason;
    }
    options.onData?.();
    const chunk = step.value ?? new Uint8Array(0);
    if (loaded + chunk.byteLength > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooBig(loaded + chunk.byteLength);
    }
    chunks.push(chunk);
    loaded += chunk.byteLength;
    options.onProgress?.(total === undefined ? { url, loaded } : { url, loaded, total });
  }
  // No comparison of `loaded` with Content-Length here: browsers hide Content-Encoding from
  // cross-origin scripts (not CORS-safelisted), so a gzip body would look short or long. The
  // transport already fails a body cut before its length (undici 'terminated', Chrome
  // ERR_CONTENT_LENGTH_MISMATCH), which arrives above as E_DOWNLOAD.
  return concatBytes(chunks);
}

/** What {@link fetchBounded} needs besides the URL. */
export interface FetchBoundedOptions extends Omit<ReadBodyOptions, 'url' | 'onData' | 'signal'> {
  /** The caller's cancellation. */
  signal?: AbortSignal | undefined;
  /** Abandon when nothing arrives for this long (ms), headers included. */
  timeoutMs: number;
  /** Abandon when the whole download (request and body) takes longer than this (`E_LIMIT`). */
  deadline?: DownloadDeadline | undefined;
  /** The fetch to use; default the platform's (`globalThis.fetch`, in Node >= 18 and every browser). */
  fetch?: FetchLike | undefined;
  /** Refuse a `text/html` answer (a login or error page is not a model). */
  refuseHtml?: boolean | undefined;
  /** Appended to the message when the server cannot be reached (e.g. how to run offline). */
  unreachableHint?: string | undefined;
  /** Which hosts and addresses may be reached, and how many redirects; default {@link STRICT_NETWORK}. */
  network?: NetworkPolicy | undefined;
  /**
   * `'manual'` (default): redirects are followed here, each hop checked against `network` before
   * it is requested. `'follow'`: the platform follows them (browsers, whose `'manual'` hides the
   * `Location`); only the URL it ended at is checked, before the body is read.
   */
  redirect?: 'manual' | 'follow' | undefined;
  /** An origin whose URLs skip the private-address rule (a page's own server; browsers only). */
  trustedOrigin?: string | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches `url` and reads its body under every bound: the caller's `signal`, an inactivity timeout
 * covering the request and each chunk (a server that never answers, or stops, is `E_DOWNLOAD`),
 * an optional deadline for the whole download (a server that trickles bytes, `E_LIMIT`),
 * `maxBytes` of decoded body (`E_LIMIT`), HTTP errors (`E_DOWNLOAD`). Every hop, the first
 * request and each redirect, is checked against `network` before it is made (`E_FORBIDDEN`), and
 * more than `network.maxRedirects` redirects is `E_LIMIT`. A URL that does not parse is `E_INPUT`.
 * URLs in messages and progress events are redacted (`redactUrl`). Returns the bytes and the
 * response's content type.
 *
 * @example
 * ```ts
 * const { bytes } = await fetchBounded(url, { what: 'labels', maxBytes: 1 << 20, timeoutMs: 30_000 });
 * ```
 */
export async function fetchBounded(url: string, given: FetchBoundedOptions): Promise<{ bytes: Uint8Array; contentType: string }> {
  // Without a prototype: an option left out (fetch, onData) must not come from a polluted Object.prototype
  const options = withoutPrototype<FetchBoundedOptions>(given);
  const first = parseUrl(url, options.what);
  const network = options.network ?? STRICT_NETWORK;
  const mode = options.redirect ?? 'manual';
  const { what, trustedOrigin } = options;
  return guardDownload(redactUrl(first), options, async (signal, onData) => {
    let current = first;
    let previous: URL | undefined;
    let response: ResponseLike;
    for (let hop = 0; ; hop++) {
      const context = { what, hop: hop === 0 ? ('first' as const) : hop, trustedOrigin };
      await checkHop(current, previous, network, context);
      if (signal.aborted) throw signal.reason; // aborted while allowHost ran
      response = await request(current, mode, signal, options, context.hop);
      onData();
      if (mode === 'follow' && response.redirected && response.url) {
        await checkHop(parseUrl(response.url, what), undefined, network, { what, hop: 'final', trustedOrigin }).catch(async (err) => {
          await response.body?.cancel().catch(() => undefined);
          throw err;
        });
      }
      if (mode !== 'manual' || !REDIRECTS.has(response.status)) break;
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get('location');
      if (location === null) throw new OnnxMobilenetError('E_DOWNLOAD', `HTTP ${response.status} without a Location from ${what} URL ${redactUrl(current)}`);
      if (hop >= network.maxRedirects) {
        throw new OnnxMobilenetError(
          'E_LIMIT',
          `${what} URL ${redactUrl(first)} redirects more than limits.maxRedirects (${network.maxRedirects}) times; the download was abandoned`,
        );
      }
      previous = current;
      current = parseUrl(location, what, current.href);
    }
    const href = redactUrl(current);
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new OnnxMobilenetError('E_DOWNLOAD', `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} from ${what} URL ${href}`);
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (options.refuseHtml && /text\/html/i.test(contentType)) {
      await response.body?.cancel().catch(() => undefined);
      throw new OnnxMobilenetError('E_DOWNLOAD', `${href} returned an HTML page (${contentType}), not an ONNX ${what}`);
    }
    const bytes = await readBody(response, { ...options, url: href, onData, signal });
    return { bytes, contentType };
  });
}

/** One request; a failure is `E_DOWNLOAD`, or `E_FORBIDDEN` when the adapter's connection check refused the address. */
async function request(url: URL, mode: 'manual' | 'follow', signal: AbortSignal, options: FetchBoundedOptions, hop: 'first' | number): Promise<ResponseLike> {
  try {
    // Called unbound: a browser's fetch throws 'Illegal invocation' with another `this`.
    const fetchFn = options.fetch ?? (globalThis as unknown as { fetch: FetchLike }).fetch;
    return await fetchFn(url.href, { signal, redirect: mode });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    // the adapter's client itself could not load: not a network failure
    if (isOnnxMobilenetError(err, 'E_RUNTIME')) throw err;
    const cause = (err as { cause?: unknown }).cause ?? err;
    // An adapter that checks the address it connects to (Node's lookup) refuses with E_FORBIDDEN
    // saying what the host resolved to; the URL and the option are added here.
    if (isOnnxMobilenetError(cause, 'E_FORBIDDEN')) {
      throw privateAddressError(url, cause.message, `${options.what}${hop === 'first' ? '' : ` (redirect ${hop})`}`);
    }
    throw new OnnxMobilenetError(
      'E_DOWNLOAD',
      `could not fetch ${options.what} ${redactUrl(url)}: ${redactUrlsIn(describeError(cause))}${options.unreachableHint ? `. ${options.unreachableHint}` : ''}`,
      { cause: err },
    );
  }
}

/**
 * Fetches an image URL under a classifier's limits, the same in every adapter: abandoned after
 * `limits.downloadTimeoutMs` without data (`E_DOWNLOAD`) or `limits.maxImageDownloadMs` in all
 * (`E_LIMIT`), stopped past `limits.maxEncodedBytes` of decoded body (`E_LIMIT`).
 *
 * @example
 * ```ts
 * const { bytes, contentType } = await fetchImage('https://example.com/cat.jpg', DEFAULTS.limits, signal);
 * ```
 */
export function fetchImage(
  href: string,
  limits: Limits,
  signal: AbortSignal | undefined,
  access: Pick<FetchBoundedOptions, 'network' | 'fetch' | 'redirect' | 'trustedOrigin'> = {},
): Promise<{ bytes: Uint8Array; contentType: string }> {
  return fetchBounded(href, {
    ...access,
    what: 'image',
    maxBytes: limits.maxEncodedBytes,
    limit: 'limits.maxEncodedBytes',
    timeoutMs: limits.downloadTimeoutMs,
    deadline: { ms: limits.maxImageDownloadMs, limit: 'limits.maxImageDownloadMs' },
    signal,
  });
}

/**
 * Parses an absolute URL; one that does not parse is `E_INPUT` naming it.
 *
 * @example
 * ```ts
 * parseUrl('http://[::1', 'image'); // throws E_INPUT: "not a valid image URL: http://[::1"
 * ```
 */
export function parseUrl(url: string | URL, what: string, base?: string): URL {
  try {
    return new URL(String(url), base);
  } catch (err) {
    throw new OnnxMobilenetError('E_INPUT', `not a valid ${what} URL: ${redactUrl(String(url))} (${describeError(err)})`, { cause: err });
  }
}
