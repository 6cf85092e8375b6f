// Inputs on a real page: alpha in PNGs, AVIF brands, thread counts, inputs changed or closed right
// after the call, float16 ImageData. Each function returns plain data for the test to judge.
import { createClassifier, isOnnxMobilenetError, type Limits, type RawImage, type WebClassifier, type WebImageSource } from 'onnx-mobilenet';

type Top = { id: string; probability: number };

/** The outcome of a call: its top-1, or the error's code (UNTYPED for anything else) and message. */
async function outcome(run: () => Promise<unknown>): Promise<{ outcome: string; top?: Top; message?: string }> {
  try {
    const result = (await run()) as { id: string; probability: number }[];
    return { outcome: 'predictions', top: { id: result[0]!.id, probability: result[0]!.probability } };
  } catch (err) {
    return { outcome: isOnnxMobilenetError(err) ? err.code : `UNTYPED ${(err as Error)?.name}`, message: (err as Error)?.message };
  }
}

/** Counts createImageBitmap calls while `fn` runs. */
async function countingBitmaps<T>(fn: () => Promise<T>): Promise<T & { bitmaps: number }> {
  let bitmaps = 0;
  const real = globalThis.createImageBitmap;
  globalThis.createImageBitmap = ((...args: Parameters<typeof createImageBitmap>) => {
    bitmaps++;
    return real(...args);
  }) as typeof createImageBitmap;
  try {
    return { ...(await fn()), bitmaps };
  } finally {
    globalThis.createImageBitmap = real;
  }
}

const blobOf = async (url: string) => (await fetch(url)).blob();
const top1 = async (c: WebClassifier, input: WebImageSource | RawImage) => (await c.classify(input, { topK: 1 }))[0]!;

async function loadedImage(src: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = src;
  await img.decode();
  return img;
}

/** Item 13: the tench as RGBA PNGs (alpha 0 and 128), as Blob and <img>, and raw RGBA of the same pixels. */
async function alpha(model: string, labels: string, pngs: Record<string, string>, raws: Record<string, string>) {
  const c = await createClassifier({ model, labels });
  const warnings: string[] = [];
  const realWarn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
  const out: Record<string, { blob: Top; img: Top; raw: Top; tensor: number[]; rawTensor: number[]; imgTensor: number[] }> = {};
  try {
    for (const [name, url] of Object.entries(pngs)) {
      const raw = new Uint8Array(await (await blobOf(raws[name]!)).arrayBuffer());
      const [width, height] = [new DataView(raw.buffer).getUint32(0), new DataView(raw.buffer).getUint32(4)];
      const pixels = { data: raw.subarray(8), width, height, channels: 4 as const };
      const img = await loadedImage(url);
      out[name] = {
        blob: await top1(c, await blobOf(url)),
        img: await top1(c, img),
        raw: await top1(c, pixels),
        tensor: Array.from(await c.prepare(await blobOf(url))),
        rawTensor: Array.from(await c.prepare(pixels)),
        imgTensor: Array.from(await c.prepare(img)),
      };
    }
  } finally {
    console.warn = realWarn;
    await c.dispose();
  }
  return { out, warnings };
}

/** Item 17: AVIF files refused from their header (ispe) before createImageBitmap, whatever the major brand. */
async function avif(model: string, labels: string, files: Record<string, [string, number]>) {
  const out: Record<string, unknown> = {};
  for (const [name, [url, maxInputPixels]] of Object.entries(files)) {
    const c = await createClassifier({ model, labels, limits: { maxInputPixels } as Partial<Limits> });
    const blob = await blobOf(url);
    out[`${name} blob`] = await countingBitmaps(() => outcome(() => c.classify(blob, { topK: 1 })));
    out[`${name} bytes`] = await countingBitmaps(async () => outcome(async () => c.classify(new Uint8Array(await blob.arrayBuffer()), { topK: 1 })));
    out[`${name} url`] = await countingBitmaps(() => outcome(() => c.classify(new URL(url, location.href).href, { topK: 1 })));
    await c.dispose();
  }
  return out;
}

/** Item 18: thread counts over the core count refused; the core count itself accepted. */
async function threads(model: string, labels: string, photo: string) {
  const cores = navigator.hardwareConcurrency;
  const load = async (n: number) => {
    const started = performance.now();
    const result = await outcome(async () => {
      const c = await createClassifier({ model, labels, threads: n });
      try {
        return await c.classify(await blobOf(photo), { topK: 1 });
      } finally {
        await c.dispose();
      }
    });
    return { ...result, ms: performance.now() - started };
  };
  return { cores, isolated: crossOriginIsolated, over: await load(1024), justOver: await load(cores + 1), atCores: await load(cores) };
}

/** Item 19: every pixel-holding input changed or closed right after the call returns its promise. */
async function changedAfterCall(model: string, labels: string, photo: string) {
  const c = await createClassifier({ model, labels });
  const bitmap = await createImageBitmap(await blobOf(photo));
  const { width, height } = bitmap;
  const canvas = (): HTMLCanvasElement => {
    const el = document.createElement('canvas');
    el.width = width;
    el.height = height;
    el.getContext('2d')!.drawImage(bitmap, 0, 0);
    return el;
  };
  const offscreen = (): OffscreenCanvas => {
    const el = new OffscreenCanvas(width, height);
    el.getContext('2d')!.drawImage(bitmap, 0, 0);
    return el;
  };
  const imageData = () => canvas().getContext('2d')!.getImageData(0, 0, width, height);
  const blacken = (ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D) => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, width, height);
  };
  const out: Record<string, { outcome: string; ids?: string[]; message?: string }> = {};
  const run = async (name: string, call: () => Promise<unknown>) => {
    try {
      const r = (await call()) as { id: string }[] | { id: string }[][];
      out[name] = { outcome: 'predictions', ids: Array.isArray(r[0]) ? (r as { id: string }[][]).map((p) => p[0]!.id) : [(r as { id: string }[])[0]!.id] };
    } catch (err) {
      out[name] = { outcome: isOnnxMobilenetError(err) ? err.code : `UNTYPED ${(err as Error)?.name}`, message: (err as Error)?.message };
    }
  };
  await run('ImageData, data zeroed', () => {
    const d = imageData();
    const p = c.classify(d, { topK: 1 });
    d.data.fill(0);
    return p;
  });
  await run('canvas, painted black', () => {
    const el = canvas();
    const p = c.classify(el, { topK: 1 });
    blacken(el.getContext('2d')!);
    return p;
  });
  await run('OffscreenCanvas, painted black', () => {
    const el = offscreen();
    const p = c.classify(el, { topK: 1 });
    blacken(el.getContext('2d')!);
    return p;
  });
  await run('ImageBitmap, closed', async () => {
    const b = await createImageBitmap(bitmap);
    const p = c.classify(b, { topK: 1 });
    b.close();
    return p;
  });
  await run('VideoFrame, closed', () => {
    const frame = new VideoFrame(canvas(), { timestamp: 0 });
    const p = c.classify(frame, { topK: 1 });
    frame.close();
    return p;
  });
  // More inputs than a call decodes at once (8): the later ones wait for their turn
  await run('12 ImageData, zeroed', () => {
    const all = Array.from({ length: 12 }, imageData);
    const p = c.classify(all, { topK: 1 });
    for (const d of all) d.data.fill(0);
    return p;
  });
  await run('12 canvases, painted black', () => {
    const all = Array.from({ length: 12 }, canvas);
    const p = c.classify(all, { topK: 1 });
    for (const el of all) blacken(el.getContext('2d')!);
    return p;
  });
  await run('12 ImageBitmaps, closed', async () => {
    const all = await Promise.all(Array.from({ length: 12 }, () => createImageBitmap(bitmap)));
    const p = c.classify(all, { topK: 1 });
    for (const b of all) b.close();
    return p;
  });
  await run('12 VideoFrames, closed', () => {
    const all = Array.from({ length: 12 }, () => new VideoFrame(canvas(), { timestamp: 0 }));
    const p = c.classify(all, { topK: 1 });
    for (const f of all) f.close();
    return p;
  });
  const d = imageData();
  const before = await c.prepare(d);
  const p = c.prepare(d);
  d.data.fill(0);
  const prepared = await p;
  const sameTensor = prepared.every((v, i) => v === before[i]);
  bitmap.close();
  await c.dispose();
  return { out, sameTensor };
}

/** Item 20: float16 ImageData of the photo, against the 8-bit ImageData of the same canvas. */
async function float16(model: string, labels: string, photo: string) {
  const c = await createClassifier({ model, labels });
  const bitmap = await createImageBitmap(await blobOf(photo));
  const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const eight = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  let half: ImageData;
  try {
    half = ctx.getImageData(0, 0, bitmap.width, bitmap.height, { pixelFormat: 'rgba-float16' } as ImageDataSettings);
  } catch (err) {
    return { supported: false, message: String(err) };
  }
  const format = (half as { pixelFormat?: string }).pixelFormat;
  const arrayType = half.data.constructor.name;
  const result = await outcome(() => c.classify(half, { topK: 1 }));
  let meanAbsDiff: number | undefined;
  if (result.outcome === 'predictions') {
    const [a, b] = [await c.prepare(half), await c.prepare(eight)];
    meanAbsDiff = a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;
  }
  const eightTop = (await c.classify(eight, { topK: 1 }))[0]!;
  bitmap.close();
  await c.dispose();
  return { supported: true, format, arrayType, result, eightTop: { id: eightTop.id, probability: eightTop.probability }, meanAbsDiff };
}

/** Item 13 where the browser gives no WebGL: the canvas's premultiplied pixels, with one warning per classifier. Run on a fresh page. */
async function alphaWithoutWebgl(model: string, labels: string, urls: string[]) {
  for (const Canvas of [HTMLCanvasElement, OffscreenCanvas]) {
    const real = Canvas.prototype.getContext as (this: unknown, kind: string, ...rest: unknown[]) => unknown;
    (Canvas.prototype as { getContext: unknown }).getContext = function (this: unknown, kind: string, ...rest: unknown[]) {
      return kind.includes('webgl') ? null : real.call(this, kind, ...rest);
    };
  }
  const warnings: string[] = [];
  console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
  const c = await createClassifier({ model, labels });
  const out: Record<string, unknown> = {};
  for (const url of urls) out[url] = await outcome(async () => c.classify(await blobOf(url), { topK: 1 }));
  await c.dispose();
  return { out, warnings };
}

/** Items 13, 19 and 20 inside a module Web Worker (see worker.ts). */
async function inWorker(model: string, labels: string, pngs: string[], photo: string): Promise<unknown> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  try {
    return await new Promise((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage({ model, labels, pngs, photo });
    });
  } finally {
    worker.terminate();
  }
}

const harness = { alpha, alphaWithoutWebgl, avif, threads, changedAfterCall, float16, inWorker };
(window as unknown as { harness: typeof harness }).harness = harness;
document.getElementById('status')!.textContent = 'ready';
