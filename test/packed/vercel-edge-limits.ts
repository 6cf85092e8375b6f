// Vercel's Edge Function size limits, after gzip, by plan (vercel.com/docs/functions/limitations):
// measured against, not asserted (the wasm path fits Enterprise only).
export const VERCEL_EDGE_LIMITS_MB = { Hobby: 1, Pro: 2, Enterprise: 4 } as const;

/**
 * `3890123 bytes: Hobby 1 MB EXCEEDED, …` for a function of `gzipBytes`, each limit read as 10^6
 * and as 2^20 bytes (Vercel does not say which), where the two differ.
 */
export function againstVercelEdgeLimits(gzipBytes: number): string {
  const verdict = (limit: number) => (gzipBytes <= limit ? 'fits' : 'EXCEEDED');
  const plans = Object.entries(VERCEL_EDGE_LIMITS_MB).map(([plan, mb]) => {
    const [decimal, binary] = [verdict(mb * 1e6), verdict(mb * 2 ** 20)];
    return `${plan} ${mb} MB ${decimal === binary ? decimal : `${decimal} (${mb} MiB: ${binary})`}`;
  });
  return `${gzipBytes} bytes: ${plans.join(', ')}`;
}
