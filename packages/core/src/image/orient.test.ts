import { describe, expect, it } from 'vitest';
import type { RawImage } from './image.js';
import { orientImage } from './orient.js';

// A 3×2 stored image, one gray value a pixel:   1 2 3
//                                                4 5 6
const stored: RawImage = { data: Uint8Array.from([1, 2, 3, 4, 5, 6]), width: 3, height: 2, channels: 1 };

// What a viewer shows for each EXIF orientation, worked out by hand from the tag's definition
// (row 0 / column 0 of the stored image is on the displayed ... side).
const displayed: Record<number, number[][]> = {
  1: [
    [1, 2, 3],
    [4, 5, 6],
  ],
  2: [
    [3, 2, 1],
    [6, 5, 4],
  ], // mirrored left-right
  3: [
    [6, 5, 4],
    [3, 2, 1],
  ], // turned 180°
  4: [
    [4, 5, 6],
    [1, 2, 3],
  ], // mirrored top-bottom
  5: [
    [1, 4],
    [2, 5],
    [3, 6],
  ], // transposed
  6: [
    [4, 1],
    [5, 2],
    [6, 3],
  ], // turned 90° clockwise
  7: [
    [6, 3],
    [5, 2],
    [4, 1],
  ], // transversed
  8: [
    [3, 6],
    [2, 5],
    [1, 4],
  ], // turned 90° counter-clockwise
};

const rows = (image: RawImage) => Array.from({ length: image.height }, (_, y) => [...image.data.subarray(y * image.width, (y + 1) * image.width)]);

describe('orientImage', () => {
  it.each(Object.keys(displayed).map(Number))('shows orientation %i as a viewer does', (orientation) => {
    const out = orientImage(stored, orientation);
    expect(rows(out)).toEqual(displayed[orientation]);
    expect(out.channels).toBe(1);
  });

  it('moves every channel of a pixel together (RGBA)', () => {
    const rgba: RawImage = { data: Uint8Array.from([10, 11, 12, 13, 20, 21, 22, 23]), width: 2, height: 1, channels: 4 };
    const turned = orientImage(rgba, 6); // 1 wide, 2 high: the left pixel on top
    expect([turned.width, turned.height]).toEqual([1, 2]);
    expect([...turned.data]).toEqual([10, 11, 12, 13, 20, 21, 22, 23]);
    const mirrored = orientImage(rgba, 2);
    expect([...mirrored.data]).toEqual([20, 21, 22, 23, 10, 11, 12, 13]);
  });

  it('returns the image itself for orientation 1 and values outside 1-8, and leaves the input alone', () => {
    for (const o of [1, 0, 9, Number.NaN]) expect(orientImage(stored, o)).toBe(stored);
    orientImage(stored, 6);
    expect([...stored.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('turns a single pixel and a single row', () => {
    const one: RawImage = { data: Uint8Array.from([7, 8, 9]), width: 1, height: 1, channels: 3 };
    for (let o = 1; o <= 8; o++) expect([...orientImage(one, o).data]).toEqual([7, 8, 9]);
    const row: RawImage = { data: Uint8Array.from([1, 2, 3]), width: 3, height: 1, channels: 1 };
    expect(rows(orientImage(row, 8))).toEqual([[3], [2], [1]]);
  });
});
