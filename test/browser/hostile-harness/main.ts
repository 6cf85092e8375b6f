// Hostile image inputs for the web adapter, run through classify() on a real page. Each case
// reports its outcome and how many bitmaps and canvases the library made for it, so the test can
// tell a refusal from the header apart from one after a full decode.
import { createClassifier, isOnnxMobilenetError, type Limits, type WebImageSource } from 'onnx-mobilenet';

export interface Outcome {
  outcome: string;
  message?: string;
  bitmaps: number;
  canvases: number;
}

/** Counts createImageBitmap calls and OffscreenCanvas constructions while `fn` runs. */
async function counting(fn: () => Promise<unknown>): Promise<Outcome> {
  const counts = { bitmaps: 0, canvases: 0 };
  const realBitmap = globalThis.createImageBitmap;
  const RealCanvas = globalThis.OffscreenCanvas;
  globalThis.createImageBitmap = ((...args: Parameters<typeof createImageBitmap>) => {
    counts.bitmaps++;
    return realBitmap(...args);
  }) as typeof createImageBitmap;
  globalThis.OffscreenCanvas = class extends RealCanvas {
    constructor(width: number, height: number) {
      counts.canvases++;
      super(width, height);
    }
  };
  try {
    const result = await fn();
    return { outcome: 'predictions', message: JSON.stringify(result).slice(0, 80), ...counts };
  } catch (err) {
    const outcome = isOnnxMobilenetError(err) ? err.code : `UNTYPED ${(err as Error)?.name}`;
    return { outcome, message: (err as Error)?.message, ...counts };
  } finally {
    globalThis.createImageBitmap = realBitmap;
    globalThis.OffscreenCanvas = RealCanvas;
  }
}

async function loadedImage(src: string, crossOrigin?: 'anonymous'): Promise<HTMLImageElement> {
  const img = new Image();
  if (crossOrigin) img.crossOrigin = crossOrigin;
  img.src = src;
  await img.decode();
  return img;
}

const svg = (width: number, height: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="red"/></svg>`;

async function blobOf(url: string): Promise<Blob> {
  return (await fetch(url)).blob();
}

/**
 * Runs each hostile input through classify() with the limits given per case; `files` are served
 * by the test (bombs built in Node), `otherOrigin` serves the same files from another port.
 */
async function hostileInputs(model: string, labels: string, photo: string, photoPixels: number, otherOrigin: string): Promise<Record<string, Outcome>> {
  const classifiers = new Map<string, Awaited<ReturnType<typeof createClassifier>>>();
  const withLimit = async (limit: number | Partial<Limits>) => {
    const limits = typeof limit === 'number' ? { maxInputPixels: limit } : limit;
    const key = JSON.stringify(limits);
    if (!classifiers.has(key)) classifiers.set(key, await createClassifier({ model, labels, limits }));
    return classifiers.get(key)!;
  };
  const DEFAULT = 100_000_000;
  const canvas = document.createElement('canvas');
  canvas.width = 2000;
  canvas.height = 1000;
  canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
  const bitmap = await createImageBitmap(canvas);
  const frame = new VideoFrame(canvas, { timestamp: 0 });
  const cases: [string, number | Partial<Limits>, () => Promise<WebImageSource>][] = [
    ['photo blob', DEFAULT, () => blobOf(photo)],
    ['photo blob at exactly its pixel count', photoPixels, () => blobOf(photo)],
    ['photo blob one pixel over the limit', photoPixels - 1, () => blobOf(photo)],
    ['png header claiming 30000x30000', DEFAULT, () => blobOf('/hostile/claims-30000x30000.png')],
    ['real 4000x4000 png over a 1e6 limit', 1_000_000, () => blobOf('/hostile/real-4000x4000.png')],
    ['sof10 jpeg bytes claiming 30000x20000', DEFAULT, async () => new Uint8Array(await (await blobOf('/hostile/sof10-30000x20000.jpg')).arrayBuffer())],
    ['sof10 jpeg blob behind 128 KB of APP1 segments', DEFAULT, () => blobOf('/hostile/sof10-behind-app-segments.jpg')],
    ['gif with a 1x1 screen and a 20000x20000 frame', DEFAULT, () => blobOf('/hostile/frame-20000x20000.gif')],
    ['webp vp8x claiming 20000x20000', DEFAULT, () => blobOf('/hostile/vp8x-20000x20000.webp')],
    ['svg blob', DEFAULT, async () => new Blob([svg(40, 30)], { type: 'image/svg+xml' })],
    ['svg blob claiming 100000x100000', DEFAULT, async () => new Blob([svg(100_000, 100_000)])],
    ['svg url', DEFAULT, async () => new URL('/hostile/small.svg', location.href).href],
    ['<img> of a 100000x100000 svg', DEFAULT, () => loadedImage(`data:image/svg+xml,${encodeURIComponent(svg(100_000, 100_000))}`)],
    // the largest pixel limit accepted (2^32): the 60000x60000 svg passes it; its 14 GB copy does not
    // pass maxPendingBytes, and with that raised too, no canvas holds it
    ['<img> of a 60000x60000 svg, limit 2^32', 2 ** 32, () => loadedImage(`data:image/svg+xml,${encodeURIComponent(svg(60_000, 60_000))}`)],
    [
      '<img> of a 60000x60000 svg, limit 2^32, copies unbounded',
      { maxInputPixels: 2 ** 32, maxPendingBytes: 2 ** 40 },
      () => loadedImage(`data:image/svg+xml,${encodeURIComponent(svg(60_000, 60_000))}`),
    ],
    ['<img> of a real 4000x4000 png over a 1e6 limit', 1_000_000, () => loadedImage('/hostile/real-4000x4000.png')],
    ['<img> of a 40x30 svg', DEFAULT, () => loadedImage(`data:image/svg+xml,${encodeURIComponent(svg(40, 30))}`)],
    ['2000x1000 canvas over a 1e6 limit', 1_000_000, async () => canvas],
    ['2000x1000 ImageBitmap over a 1e6 limit', 1_000_000, async () => bitmap],
    ['2000x1000 VideoFrame over a 1e6 limit', 1_000_000, async () => frame],
    ['2000x1000 ImageData over a 1e6 limit', 1_000_000, async () => new ImageData(2000, 1000)],
    ['cross-origin <img> without CORS', DEFAULT, () => loadedImage(new URL(`/data/images/${photo.split('/').pop()}`, otherOrigin).href)],
    [
      'cross-origin <img> with crossOrigin=anonymous',
      DEFAULT,
      () => loadedImage(new URL(`/data/images/${photo.split('/').pop()}`, otherOrigin).href, 'anonymous'),
    ],
    // 10000x10000 progressive JPEGs (1 MB): the scan count is read from the bytes, before createImageBitmap
    ['progressive jpeg of 2647 scans', DEFAULT, () => blobOf('/hostile/scans-2647.jpg')],
    [
      'progressive jpeg of 2647 scans, scan limit lifted, 2 s deadline',
      { maxJpegScans: 10_000, decodeTimeoutMs: 2000 },
      () => blobOf('/hostile/scans-2647.jpg'),
    ],
  ];
  const out: Record<string, Outcome> = {};
  for (const [name, limit, make] of cases) {
    const classifier = await withLimit(limit);
    const input = await make();
    out[name] = await counting(async () => (await classifier.classify(input, { topK: 1 }))[0]!.id);
  }
  frame.close();
  for (const c of classifiers.values()) await c.dispose();
  return out;
}

const harness = { hostileInputs };
(window as unknown as { harness: typeof harness }).harness = harness;
document.getElementById('status')!.textContent = 'ready';
