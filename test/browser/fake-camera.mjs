// A fake camera's film: a y4m (raw I420) of photos shown one after another, for Chromium's
// --use-file-for-fake-video-capture, which plays it in a loop.
import { closeSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

/**
 * One photo's picture in I420 (BT.601, limited range), letterboxed into width × height.
 * @param {string} path
 * @param {number} width
 * @param {number} height
 * @returns {Promise<Buffer>}
 */
async function i420(path, width, height) {
  const { data } = await sharp(path).resize(width, height, { fit: 'contain', background: '#000' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const out = Buffer.alloc((width * height * 3) / 2);
  const [u0, v0] = [width * height, width * height + (width * height) / 4];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const [r, g, b] = [/** @type {number} */ (data[i]), /** @type {number} */ (data[i + 1]), /** @type {number} */ (data[i + 2])];
      out[y * width + x] = Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b);
      if (y % 2 === 0 && x % 2 === 0) {
        const c = (y / 2) * (width / 2) + x / 2;
        out[u0 + c] = Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b);
        out[v0 + c] = Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b);
      }
    }
  }
  return out;
}

/**
 * Writes a y4m film into a new temp folder: each photo shown for `seconds` at `fps`, in order.
 * Returns its path (the caller removes its folder).
 * @param {string[]} photoPaths
 * @param {{ seconds?: number, fps?: number, width?: number, height?: number }} [options]
 * @returns {Promise<string>}
 */
export async function writeFakeCameraFilm(photoPaths, options = {}) {
  const { seconds = 3, fps = 30, width = 480, height = 360 } = options;
  const file = join(mkdtempSync(join(tmpdir(), 'onnx-mobilenet-camera-')), 'camera.y4m');
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
    for (const path of photoPaths) {
      const picture = await i420(path, width, height);
      for (let f = 0; f < seconds * fps; f++) {
        writeSync(fd, 'FRAME\n');
        writeSync(fd, picture);
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}
