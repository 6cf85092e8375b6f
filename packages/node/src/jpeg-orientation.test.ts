// core's jpegOrientation against sharp's own reading of the same files: the decoder whose
// metadata call it saves must see the same orientation (and the header the same size).
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { jpegOrientation, readImageHeader } from '@onnx-mobilenet/core/adapter';
import { describeWithAssets, photos } from '../../../test/assets.js';

it('reads the orientation sharp reads, for every EXIF orientation and none', async () => {
  const base = sharp({ create: { width: 40, height: 30, channels: 3, background: '#3070a0' } });
  expect(jpegOrientation(await base.clone().jpeg().toBuffer())).toBe(1);
  for (let orientation = 1; orientation <= 8; orientation++) {
    const jpeg = await base.clone().withMetadata({ orientation }).jpeg().toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(orientation);
    expect(jpegOrientation(jpeg)).toBe(orientation);
  }
});

describeWithAssets('on the photos', () => {
  it('gives the orientation and size sharp gives for all of them', async () => {
    for (const p of photos()) {
      const bytes = readFileSync(p.path);
      const meta = await sharp(bytes).metadata();
      expect(jpegOrientation(bytes), p.name).toBe(meta.orientation ?? 1);
      expect(readImageHeader(bytes), p.name).toMatchObject({ format: 'jpeg', width: meta.width, height: meta.height });
    }
  });
});
