// The task the browser training tests and bench teach: two classes grouped from the photos' WordNet ids.

/**
 * The animals (wnids below n02500000 among the assets' photos: 21 of 53) and the rest (32).
 * @param {string} wnid
 * @returns {'animal' | 'thing'}
 */
export const classOf = (wnid) => (wnid < 'n02500000' ? 'animal' : 'thing');
