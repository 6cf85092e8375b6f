import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OnnxMobilenetError, concatBytes, describeError, guardDownload, type DownloadProgress } from '@onnx-mobilenet/core';

/** What {@link downloadToFile} needs besides the URL. */
export interface DownloadOptions {
  /** Final path; written atomically (temporary file in the same directory, then rename). */
  destination: string;
  /** Expected sha256 (hex); a mismatch leaves nothing behind. */
  sha256?: string;
  /** Expected size, used for progress when the server sends no Content-Length. */
  bytes?: number;
  /** `'model'` bodies that are HTML pages are refused (a login or error page is not a model). */
  purpose: 'model' | 'labels';
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Larger bodies are refused (`E_LIMIT`) without being read to the end. */
  maxBytes: number;
  /** Abandon the download when nothing arrives for this long (ms). */
  timeoutMs: number;
}

/** Hex sha256 of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws `E_MODEL_CHECKSUM` unless `actual` equals `expected` (case-insensitive). */
export function assertChecksum(what: string, expected: string, actual: string): void {
  if (actual.toLowerCase() !== expected.toLowerCase()) {
    throw new OnnxMobilenetError(
      'E_MODEL_CHECKSUM',
      `sha256 mismatch for ${what}: expected ${expected.toLowerCase()}, got ${actual}. The file is corrupt or not the one pinned; it was not used.`,
    );
  }
}

/**
 * Downloads `url` to `destination`, streaming to a temporary file while hashing, then verifying
 * size and sha256 before an atomic rename. On any failure (HTTP status, a connection cut, a short
 * body, a checksum mismatch, an abort) the temporary file is removed and a typed error thrown,
 * so a half-written file never sits where a verified one is expected. Returns the bytes.
 */
export async function downloadToFile(url: string, options: DownloadOptions): Promise<Uint8Array> {
  return guardDownload(url, options, (signal, onData) => download(url, options, options.destination, signal, onData));
}

async function download(url: string, options: DownloadOptions, destination: string, signal: AbortSignal, onData: () => void): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'follow' });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    const reason = describeError((err as { cause?: unknown }).cause ?? err);
    throw new OnnxMobilenetError('E_DOWNLOAD', `could not fetch ${url}: ${reason}. Offline? Pass local files as the model and labels (or set a mirror).`, { cause: err });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new OnnxMobilenetError('E_DOWNLOAD', `HTTP ${response.status} ${response.statusText} from ${url}`);
  }
  const type = response.headers.get('content-type') ?? '';
  if (options.purpose === 'model' && /text\/html/i.test(type)) {
    await response.body.cancel().catch(() => undefined);
    throw new OnnxMobilenetError('E_DOWNLOAD', `${url} returned an HTML page (${type}), not an ONNX model`);
  }
  const lengthHeader = response.headers.get('content-length');
  const declared = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  const total = declared ?? options.bytes;
  const tooBig = (bytes: number) => new OnnxMobilenetError('E_LIMIT', `${url} has ${bytes} bytes or more, over the limit of ${options.maxBytes}`);
  if (declared !== undefined && declared > options.maxBytes) {
    await response.body.cancel().catch(() => undefined);
    throw tooBig(declared);
  }

  await mkdir(dirname(destination), { recursive: true });
  const temp = join(dirname(destination), `.${basename(destination)}.${process.pid}.${randomBytes(6).toString('hex')}.part`);
  const file = await open(temp, 'w');
  const hash = createHash('sha256');
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let done = false;
  try {
    const reader = response.body.getReader();
    for (;;) {
      let step: { done: boolean; value?: Uint8Array };
      try {
        step = await reader.read();
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw new OnnxMobilenetError(
          'E_DOWNLOAD',
          `the connection to ${url} broke after ${loaded}${total ? ` of ${total}` : ''} bytes: ${describeError((err as { cause?: unknown }).cause ?? err)}`,
          { cause: err },
        );
      }
      if (step.done) break;
      onData();
      const chunk = step.value as Uint8Array;
      if (loaded + chunk.byteLength > options.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooBig(loaded + chunk.byteLength);
      }
      await file.write(chunk);
      hash.update(chunk);
      chunks.push(chunk);
      loaded += chunk.byteLength;
      options.onProgress?.({ url, loaded, total });
    }
    if (declared !== undefined && loaded !== declared) {
      throw new OnnxMobilenetError('E_DOWNLOAD', `${url} ended after ${loaded} of ${declared} bytes`);
    }
    if (options.sha256) assertChecksum(`${url} (downloaded ${loaded} bytes)`, options.sha256, hash.digest('hex'));
    await file.sync();
    await file.close();
    await rename(temp, destination);
    done = true;
  } finally {
    if (!done) {
      await file.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    }
  }
  return concatBytes(chunks);
}
