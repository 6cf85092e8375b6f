// Baseline (2): the pipeline a user writes by hand: sharp decodes to full-size RGB, JavaScript
// resizes (plain bilinear, shorter side 256, center 224) and a per-pixel loop normalises.
import sharp from 'sharp';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

export async function handPreprocess(bytes) {
  const { data, info } = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  const scale = 256 / Math.min(w, h);
  const rw = Math.round(w * scale);
  const rh = Math.round(h * scale);
  const left = Math.floor(rw / 2) - 112;
  const top = Math.floor(rh / 2) - 112;
  const out = new Float32Array(3 * 224 * 224);
  for (let y = 0; y < 224; y++) {
    const sy = Math.min(h - 1, Math.max(0, (y + top + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(h - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < 224; x++) {
      const sx = Math.min(w - 1, Math.max(0, (x + left + 0.5) / scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(w - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const v =
          (data[(y0 * w + x0) * 3 + c] * (1 - fx) + data[(y0 * w + x1) * 3 + c] * fx) * (1 - fy) +
          (data[(y1 * w + x0) * 3 + c] * (1 - fx) + data[(y1 * w + x1) * 3 + c] * fx) * fy;
        out[c * 224 * 224 + y * 224 + x] = (v / 255 - MEAN[c]) / STD[c];
      }
    }
  }
  return out;
}
