// Arranges the repository's test photos (ImageNet validation images named <wnid>_<name>.JPEG)
// into one folder per class, to have something to train on:
//   node arrange.mjs ../../../shared/images photos
// makes photos/dogs (ImageNet's dog breeds), photos/animals (the other animals) and photos/things.
// With photos of your own, skip this: make the folders yourself (photos/ripe, photos/unripe, ...).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  console.error('usage: node arrange.mjs <folder of <wnid>_<name>.JPEG photos> <folder to make>');
  process.exit(2);
}

/** ImageNet's wnids run by WordNet's tree: the dog breeds are n02085620 to n02112706, animals come before n02600000. */
function classOf(wnid) {
  const n = Number(wnid.slice(1));
  if (n >= 2_085_000 && n < 2_113_000) return 'dogs';
  return n < 2_600_000 ? 'animals' : 'things';
}

const counts = {};
for (const file of readdirSync(from).filter((f) => /^n\d{8}_.*\.jpe?g$/i.test(f))) {
  const label = classOf(file.slice(0, 9));
  mkdirSync(join(to, label), { recursive: true });
  copyFileSync(join(from, file), join(to, label, file));
  counts[label] = (counts[label] ?? 0) + 1;
}
console.log(`arranged ${JSON.stringify(counts)} in ${to}`);
