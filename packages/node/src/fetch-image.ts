import type { Limits } from '@onnx-mobilenet/core';
import { fetchBounded } from '@onnx-mobilenet/core/adapter';

/**
 * The bytes of an `http(s):` image URL, through core's bounded reader: the download is abandoned
 * after `limits.downloadTimeoutMs` without data (`E_DOWNLOAD`) or `limits.maxImageDownloadMs` in
 * all (`E_LIMIT`), and stopped past `limits.maxEncodedBytes` of decoded body (`E_LIMIT`).
 */
export async function fetchImageBytes(url: URL, signal: AbortSignal | undefined, limits: Limits): Promise<Uint8Array> {
  const { bytes } = await fetchBounded(url.href, {
    what: 'image',
    maxBytes: limits.maxEncodedBytes,
    timeoutMs: limits.downloadTimeoutMs,
    deadline: { ms: limits.maxImageDownloadMs, limit: 'limits.maxImageDownloadMs' },
    signal,
  });
  return bytes;
}
