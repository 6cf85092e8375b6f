// The task the browser training tests and bench teach: two classes grouped from the photos' WordNet ids.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * The animals (wnids below n02500000 among the assets' photos: 21 of 53) and the rest (32).
 * @param {string} wnid
 * @returns {'animal' | 'thing'}
 */
export const classOf = (wnid) => (wnid < 'n02500000' ? 'animal' : 'thing');

/**
 * Copies photos (paths of `<wnid>_<name>.JPEG` files) into `dir/<class>/`, the folder of class
 * folders a user picks, with a text file among the animals that a page must leave out.
 * @param {string[]} paths
 * @param {string} dir
 */
export function writeClassFolders(paths, dir) {
  for (const path of paths) {
    const folder = join(dir, classOf(basename(path).slice(0, 9)));
    mkdirSync(folder, { recursive: true });
    copyFileSync(path, join(folder, basename(path)));
  }
  writeFileSync(join(dir, 'animal', 'notes.txt'), 'not a photo: the page leaves it out');
}
