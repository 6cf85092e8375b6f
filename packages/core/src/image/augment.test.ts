import { describe, expect, it } from 'vitest';
import { seededRandom } from '../tasks/seeded-random.js';
import { cropImage, viewWindows } from './augment.js';

// A 4×3 grey image whose pixel (x, y) is 10·y + x.
const image = { data: Uint8Array.from({ length: 12 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4)), width: 4, height: 3, channels: 1 as const };

describe('cropImage', () => {
  it('cuts the window, and mirrors it left to right', () => {
    expect(Array.from(cropImage(image, { left: 1, top: 1, width: 2, height: 2 }).data)).toEqual([11, 12, 21, 22]);
    expect(Array.from(cropImage(image, { left: 1, top: 1, width: 2, height: 2 }, true).data)).toEqual([12, 11, 22, 21]);
  });

  it('mirrors whole pixels of an RGB image, not their channels', () => {
    const rgb = { data: Uint8Array.of(1, 2, 3, 4, 5, 6), width: 2, height: 1, channels: 3 as const };
    expect(Array.from(cropImage(rgb, { left: 0, top: 0, width: 2, height: 1 }, true).data)).toEqual([4, 5, 6, 1, 2, 3]);
  });
});

describe('viewWindows', () => {
  const centre = { left: 1, top: 0, width: 2, height: 2 };
  const cut = (windows: ReturnType<typeof viewWindows>) => windows.map((w) => Array.from(cropImage(image, w.rect, w.mirror).data));

  it('gives the centre crop first, then each crop and its mirror', () => {
    const windows = viewWindows(4, 3, centre, { flip: true, crops: 2 }, seededRandom(1));
    expect(windows).toHaveLength(6);
    expect(cut(windows).slice(0, 2)).toEqual([
      [1, 2, 11, 12],
      [2, 1, 12, 11],
    ]);
    expect(windows.map((w) => w.mirror)).toEqual([false, true, false, true, false, true]);
  });

  it('keeps random crops inside the image, the same for the same seed', () => {
    const a = cut(viewWindows(4, 3, centre, { crops: 20 }, seededRandom(5)));
    expect(cut(viewWindows(4, 3, centre, { crops: 20 }, seededRandom(5)))).toEqual(a);
    // Each window of the image has its top-left pixel 10·top + left with left ≤ 2 and top ≤ 1.
    expect(new Set(a.map((v) => v[0]))).toEqual(new Set([0, 1, 2, 10, 11, 12]));
  });

  it('gives only the centre crop without augmentation', () => {
    expect(viewWindows(4, 3, centre, {}, seededRandom(1))).toEqual([{ rect: centre, mirror: false }]);
  });
});
