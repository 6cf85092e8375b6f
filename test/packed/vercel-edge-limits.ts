// Vercel's Edge Function size limits, after gzip, by plan (vercel.com/docs/functions/limitations):
// measured against, not asserted (the wasm path fits Enterprise only).
export const VERCEL_EDGE_LIMITS_MB = { Hobby: 1, Pro: 2, Enterprise: 4 } as const;

/** `Hobby 1 MB EXCEEDED, Pro 2 MB EXCEEDED, Enterprise 4 MB fits` for a function of `gzipBytes`. */
export function againstVercelEdgeLimits(gzipBytes: number): string {
  return Object.entries(VERCEL_EDGE_LIMITS_MB)
    .map(([plan, limit]) => `${plan} ${limit} MB ${gzipBytes <= limit * 1e6 ? 'fits' : 'EXCEEDED'}`)
    .join(', ');
}
