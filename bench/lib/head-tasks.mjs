// The tasks of bench/train-head.mjs, built from the ../shared photos: (a) the 53 ImageNet classes
// grouped by hand into 5 WordNet superclasses, (b) each of 10 photos' crops as a class.
import sharp from 'sharp';

/** Seeded mulberry32 (the trainer's own generator), so every draw repeats. */
export function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled(items, random) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Task (a): superclass of each wnid, by hand from the WordNet names. Every other photo is an `object`. */
export const SUPERCLASSES = {
  dog: ['n02088094', 'n02093428', 'n02096051', 'n02097474', 'n02102480', 'n02107908', 'n02112137'],
  bird: ['n01601694', 'n01795545', 'n01860187', 'n02027492'],
  // fish, reptiles, crustacean, insects and the wild mammals (fox, zebra, otter, titi)
  'wild animal': ['n01440764', 'n01682714', 'n01740131', 'n01980166', 'n02165105', 'n02268853', 'n02120505', 'n02391049', 'n02444819', 'n02493509'],
  // buildings, places and vehicles
  'place or vehicle': [
    'n02692877',
    'n02894605',
    'n03042490',
    'n03240683',
    'n03457902',
    'n03776460',
    'n04147183',
    'n04310018',
    'n04443257',
    'n04509417',
    'n04562935',
    'n09472597',
  ],
};

export function superclassOf(wnid) {
  for (const [name, wnids] of Object.entries(SUPERCLASSES)) if (wnids.includes(wnid)) return name;
  return 'object';
}

/** Task (b): the 10 mammal photos (7 dogs, fox, otter, titi), each its own class. */
export const CROP_PHOTOS = [...SUPERCLASSES.dog, 'n02120505', 'n02444819', 'n02493509'];

/**
 * `count` random crops of a photo, 25–50 % of each side at a random place, as JPEG bytes: views of
 * one scene that overlap only in part (unlike the trainer's 224-of-256 crops).
 */
export async function randomCrops(bytes, count, random) {
  const { width, height } = await sharp(bytes).metadata();
  const out = [];
  for (let i = 0; i < count; i++) {
    const w = Math.round(width * (0.25 + 0.25 * random()));
    const h = Math.round(height * (0.25 + 0.25 * random()));
    const left = Math.floor(random() * (width - w + 1));
    const top = Math.floor(random() * (height - h + 1));
    out.push(await sharp(bytes).extract({ left, top, width: w, height: h }).jpeg({ quality: 92 }).toBuffer());
  }
  return out;
}

/** Picks `shots` items per class for training and keeps the rest for testing: `{ train, test }`, items `{ label, views }`. */
export function drawShots(items, shots, random) {
  const train = [];
  const test = [];
  const labels = [...new Set(items.map((i) => i.label))];
  for (const label of labels) {
    const mine = shuffled(
      items.filter((i) => i.label === label),
      random,
    );
    train.push(...mine.slice(0, shots));
    test.push(...mine.slice(shots));
  }
  return { train, test };
}
