/**
 * The edit distance of two strings, counting an insertion, a deletion, a substitution or a swap of
 * two neighbours as one edit (the optimal string alignment form of Damerau-Levenshtein).
 * Hand-written rather than a dependency: core stays free of dependencies for browser bundles, and
 * the common libraries (fastest-levenshtein, leven) count a swap (`--modle`) as two edits.
 *
 * @example
 * ```ts
 * editDistance('modle', 'model'); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  // Three rows of the table: two back, one back, this one.
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
    }
    before = previous;
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * The name in `names` closest to `word`, when it is close enough to be the one meant: at most 2
 * edits, or a third of the word's length for long names (1 edit for words of 3 characters or
 * fewer). The first of equally close names wins; `undefined` when none is close.
 *
 * @example
 * ```ts
 * didYouMean('clasify', ['classify', 'eval', 'train']); // 'classify'
 * didYouMean('frobnicate', ['classify', 'eval']); // undefined
 * ```
 */
export function didYouMean(word: string, names: readonly string[]): string | undefined {
  const limit = Math.max(word.length <= 3 ? 1 : 2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of names) {
    // lengths further apart than the best so far cannot beat it (and a long input is never compared)
    if (Math.abs(name.length - word.length) >= bestDistance) continue;
    const d = editDistance(word, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Every name in `names` at most `maxEdits` edits from `word`, nearest first (in `names`' order
 * among equally near ones): for suggestions where two names can be equally likely.
 *
 * @example
 * ```ts
 * closeNames('mobilenetv2-11', ['mobilenetv2-7', 'mobilenetv2-10', 'mobilenetv2-12'], 2); // ['mobilenetv2-10', 'mobilenetv2-12']
 * ```
 */
export function closeNames(word: string, names: readonly string[], maxEdits: number): string[] {
  return names
    .flatMap((name) => {
      // a length further apart than the bound cannot be within it (and a long input is never compared)
      const d = Math.abs(name.length - word.length) > maxEdits ? Infinity : editDistance(word, name);
      return d <= maxEdits ? [{ name, d }] : [];
    })
    .sort((a, b) => a.d - b.d)
    .map((c) => c.name);
}
