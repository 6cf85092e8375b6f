// A photo stored as an RGBA PNG with one alpha value everywhere, and the same pixels as raw RGBA:
// the reference preprocessing (Pillow's convert('RGB')) drops alpha and keeps the stored colours,
// so both must classify as the opaque photo does (raw RGBA input always dropped alpha).
import sharp from 'sharp';

export interface AlphaPhoto {
  /** The PNG file: the photo's RGB samples, stored with `alpha` in every pixel. */
  png: Buffer;
  /** The same pixels as raw RGBA, what any classifier accepts. */
  raw: { data: Uint8Array; width: number; height: number; channels: 4 };
}

/** The photo at `path` as an RGBA PNG with `alpha` (0-255) in every pixel, and as raw RGBA. */
export async function alphaPng(path: string, alpha: number): Promise<AlphaPhoto> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const rgba = new Uint8Array(info.width * info.height * 4);
  for (let i = 0, j = 0; i < data.length; i += 3, j += 4) {
    rgba[j] = data[i]!;
    rgba[j + 1] = data[i + 1]!;
    rgba[j + 2] = data[i + 2]!;
    rgba[j + 3] = alpha;
  }
  const raw = { data: rgba, width: info.width, height: info.height, channels: 4 as const };
  const png = await sharp(rgba, { raw: { width: info.width, height: info.height, channels: 4 } })
    .png()
    .toBuffer();
  // the PNG holds the stored colours under alpha 0 too (no encoder zeroed them)
  const back = await sharp(png).raw().toBuffer();
  if (!back.equals(Buffer.from(rgba))) throw new Error('the PNG encoder changed the stored samples');
  return { png, raw };
}
