// Augmented copies of the photos for the embedding tests, made with sharp in Node (the browser
// tests are served the same bytes).
import sharp, { type Sharp } from 'sharp';

/** Crops `fraction` of each side's length at a relative position (0 = left/top, 1 = right/bottom). */
async function crop(image: Sharp, fraction: number, at: number): Promise<Sharp> {
  const { width = 0, height = 0 } = await image.metadata();
  const w = Math.round(width * fraction);
  const h = Math.round(height * fraction);
  return image.extract({ left: Math.round((width - w) * at), top: Math.round((height - h) * at), width: w, height: h });
}

/** The variants: `copy` (flipped, cropped 80%, brightened) and three few-shot views. */
export const AUGMENTATIONS = {
  copy: async (b: Buffer) => (await crop(sharp(b).flop(), 0.8, 0.5)).modulate({ brightness: 1.25 }),
  shot1: async (b: Buffer) => crop(sharp(b).flop(), 0.9, 0.5),
  shot2: async (b: Buffer) => (await crop(sharp(b), 0.85, 0)).modulate({ brightness: 1.2 }),
  query: async (b: Buffer) => (await crop(sharp(b), 0.75, 1)).modulate({ brightness: 0.85 }),
} as const;

export async function augment(bytes: Buffer, kind: keyof typeof AUGMENTATIONS): Promise<Buffer> {
  const pipeline = await AUGMENTATIONS[kind](bytes);
  return pipeline.jpeg({ quality: 90 }).toBuffer();
}
