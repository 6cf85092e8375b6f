// A module worker: the transparent PNGs (WebGL on an OffscreenCanvas), an ImageData zeroed and an
// OffscreenCanvas repainted right after the call, and float16 ImageData, off the main thread.
import { createClassifier, isOnnxMobilenetError } from 'onnx-mobilenet';

const warnings: string[] = [];
console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));

self.onmessage = async (event: MessageEvent<{ model: string; labels: string; pngs: string[]; photo: string }>) => {
  const { model, labels, pngs, photo } = event.data;
  const out: Record<string, string> = {};
  try {
    const c = await createClassifier({ model, labels });
    const top = async (p: Promise<{ id: string }[]>) => (await p)[0]!.id;
    for (const url of pngs) out[url] = await top(c.classify(await (await fetch(url)).blob(), { topK: 1 }));
    const bitmap = await createImageBitmap(await (await fetch(photo)).blob());
    const { width, height } = bitmap;
    const ctx = new OffscreenCanvas(width, height).getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, width, height);
    const fromData = c.classify(data, { topK: 1 });
    data.data.fill(0);
    out['ImageData, zeroed'] = await top(fromData);
    try {
      const half = ctx.getImageData(0, 0, width, height, { pixelFormat: 'rgba-float16' } as ImageDataSettings);
      out['float16 ImageData'] = await top(c.classify(half, { topK: 1 }));
    } catch (err) {
      out['float16 ImageData'] = isOnnxMobilenetError(err) ? err.code : 'unsupported';
    }
    const fromCanvas = c.classify(ctx.canvas, { topK: 1 });
    ctx.fillRect(0, 0, width, height);
    out['OffscreenCanvas, painted black'] = await top(fromCanvas);
    await c.dispose();
    self.postMessage({ ok: true, out, warnings, hasDocument: typeof document !== 'undefined' });
  } catch (err) {
    self.postMessage({ ok: false, out, error: `${isOnnxMobilenetError(err) ? err.code : 'UNTYPED'}: ${(err as Error)?.message}` });
  }
};
