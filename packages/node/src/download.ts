import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DownloadProgress } from '@onnx-mobilenet/core';
import { fetchBounded, type NetworkPolicy, redactUrl } from '@onnx-mobilenet/core/adapter';
import { nodeNetworkAccess } from './guarded-fetch.js';
import { cacheError } from './cache-dir.js';
import { assertChecksum, sha256Hex } from './read-asset-file.js';

/** What {@link downloadToFile} needs besides the URL. */
export interface DownloadOptions {
  /** Final path; written atomically (temporary file in the same directory, then rename). */
  destination: string;
  /** Expected sha256 (hex); a mismatch leaves nothing behind. */
  sha256?: string | undefined;
  /** Expected size, used for progress when the server sends no Content-Length. */
  bytes?: number | undefined;
  /** `'model'` bodies that are HTML pages are refused (a login or error page is not a model). */
  purpose: 'model' | 'labels';
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Larger bodies are refused (`E_LIMIT`) without being read to the end. */
  maxBytes: number;
  /** Abandon the download when nothing arrives for this long (ms). */
  timeoutMs: number;
  /** Which hosts and addresses may be reached; absent means strict (no private addresses, 5 redirects). */
  network?: NetworkPolicy | undefined;
}

/**
 * What a download's `E_DOWNLOAD` adds when its server cannot be reached (a command line puts its
 * own flags in its place).
 *
 * @example
 * ```ts
 * message.replace(` ${UNREACHABLE_HINT}`, ' Offline? Pass --model <file.onnx> --labels <synset.txt>.');
 * ```
 */
export const UNREACHABLE_HINT = 'Offline? Pass local files as the model and labels (or set a mirror).';

/** The sidecar that records the sha256 of a cached file that has no pinned hash. */
export function hashSidecar(path: string): string {
  return `${path}.sha256`;
}

/**
 * Downloads `url` through core's bounded reader (inactivity timeout, decoded-size limit), verifies
 * the sha256 when pinned, then writes `destination` atomically (temporary file in the same
 * directory, then rename); a file without a pinned sha256 gets a `.sha256` sidecar recording its
 * hash, so later loads check it too. On any failure nothing is left at `destination`;
 * cache directory failures are `E_CACHE`. Returns the bytes.
 */
export async function downloadToFile(url: string, options: DownloadOptions): Promise<Uint8Array> {
  const { bytes } = await fetchBounded(url, {
    ...nodeNetworkAccess(options.network),
    what: options.purpose,
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onProgress: options.onProgress,
    expectedBytes: options.bytes,
    refuseHtml: options.purpose === 'model',
    unreachableHint: UNREACHABLE_HINT,
  });
  const actual = sha256Hex(bytes);
  if (options.sha256) assertChecksum(`${redactUrl(url)} (downloaded ${bytes.byteLength} bytes)`, options.sha256, actual);
  const dir = dirname(options.destination);
  try {
    await mkdir(dir, { recursive: true });
    await removeStaleTemporaries(dir);
    // A file without a pinned hash gets its hash recorded, sidecar first: a crash between the two
    // renames leaves a hash that does not match, so the file is downloaded again, not trusted.
    if (!options.sha256) await writeAtomically(hashSidecar(options.destination), new TextEncoder().encode(actual));
    await writeAtomically(options.destination, bytes);
  } catch (err) {
    throw cacheError(err, options.destination);
  }
  return bytes;
}

/** Writes through a temporary file named with our pid (see {@link removeStaleTemporaries}), then renames. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path).slice(0, 80)}.${process.pid}.${randomBytes(6).toString('hex')}.part`);
  let done = false;
  const file = await open(temp, 'wx');
  try {
    await file.writeFile(bytes);
    await file.sync();
    await file.close();
    await rename(temp, path);
    done = true;
  } finally {
    if (!done) {
      await file.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    }
  }
}

const TEMPORARY = /^\..*\.(\d+)\.[0-9a-f]{12}\.part$/;
/** A temporary this old is abandoned even if its pid runs again (pids are reused). */
const STALE_AFTER_MS = 6 * 3600_000;
/**
 * A temporary of a dead pid is left alone this long: a process in another pid namespace (a
 * container sharing the cache) may be writing it. Writing one takes well under this.
 */
const DEAD_PID_GRACE_MS = 60_000;

/**
 * Removes the `.part` files a killed process left behind (`kill -9` mid-write): those whose
 * process is gone (and a minute old), or older than six hours. Best effort: a failure here never
 * fails a download.
 */
export async function removeStaleTemporaries(dir: string, now = Date.now()): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = TEMPORARY.exec(name)?.[1];
    if (!pid) continue;
    const path = join(dir, name);
    const age = await stat(path).then(
      (s) => now - s.mtimeMs,
      () => 0,
    );
    if (age > STALE_AFTER_MS || (age > DEAD_PID_GRACE_MS && !processAlive(Number(pid)))) await unlink(path).catch(() => undefined);
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}
