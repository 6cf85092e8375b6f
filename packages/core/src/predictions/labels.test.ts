import { describe, expect, it } from 'vitest';
import { countUpTo, parseLabels } from './labels.js';

describe('parseLabels', () => {
  it('parses the zoo synset format with wnid, name and synonyms', () => {
    const labels = parseLabels('n01440764 tench, Tinca tinca\r\nn01443537 goldfish, Carassius auratus\n');
    expect(labels).toEqual([
      { index: 0, id: 'n01440764', label: 'tench', synonyms: ['tench', 'Tinca tinca'] },
      { index: 1, id: 'n01443537', label: 'goldfish', synonyms: ['goldfish', 'Carassius auratus'] },
    ]);
  });

  it('parses a JSON array and one label a line', () => {
    expect(parseLabels('["cat", "dog"]').map((l) => [l.index, l.id, l.label])).toEqual([
      [0, 'cat', 'cat'],
      [1, 'dog', 'dog'],
    ]);
    expect(parseLabels('cat\ndog, puppy').map((l) => l.label)).toEqual(['cat', 'dog, puppy']);
    expect(parseLabels(['a', 'b'])[1]).toMatchObject({ index: 1, id: 'b', label: 'b' });
  });

  it('rejects empty lists, blank lines and bad JSON with E_LABELS', () => {
    expect(() => parseLabels('')).toThrow(expect.objectContaining({ code: 'E_LABELS' }));
    expect(() => parseLabels('a\n\nb')).toThrow(/line 2/);
    expect(() => parseLabels('[1, 2]')).toThrow(/array of strings/);
    expect(() => parseLabels('[oops')).toThrow(/JSON/);
  });

  it('never quotes the file in its message (V8 quotes the text around a JSON error)', () => {
    expect(() => parseLabels('[root:x:0:0:root:/root:/bin/bash')).toThrow('label list looks like JSON (it starts with "[") but does not parse as JSON');
  });

  it('rejects a one-element list whose element is not a string with E_LABELS, not a TypeError', () => {
    // A JavaScript caller can pass anything; the one-element case used to call .trim() on it.
    expect(() => parseLabels([42] as unknown as string[])).toThrow(
      expect.objectContaining({ code: 'E_LABELS', message: 'label 0 is number 42; labels must be strings' }),
    );
  });

  it('ends a line at LF or CRLF only: U+2028, U+2029, NEL, VT, FF and a lone CR stay in the label', () => {
    // Before: "." stopped at U+2028, so this line lost its WordNet id (id = the whole line).
    const labels = parseLabels('n01440764 tench\u2028fish, Tinca tinca\nn01443537 gold\u2029fish\r\nn01484850 great\u0085white\u000bshark\u000c\rx');
    expect(labels.map((l) => [l.id, l.label])).toEqual([
      ['n01440764', 'tench\u2028fish'],
      ['n01443537', 'gold\u2029fish'],
      ['n01484850', 'great\u0085white\u000bshark\u000c\rx'],
    ]);
    expect(labels[0]!.synonyms).toEqual(['tench\u2028fish', 'Tinca tinca']);
  });

  it('refuses an array with holes (or with non-strings) with E_LABELS naming the place, whatever Array.prototype holds', () => {
    // Before: map() skipped the hole, the list loaded with a hole, and classify threw a TypeError.
    const holey = ['a', 'b', 'c'];
    delete holey[1];
    expect(() => parseLabels(holey)).toThrow(expect.objectContaining({ code: 'E_LABELS', message: expect.stringContaining('label 1 is missing') }));
    expect(() => parseLabels(new Array(3))).toThrow(expect.objectContaining({ code: 'E_LABELS', message: expect.stringContaining('label 0 is missing') }));
    Object.defineProperty(Array.prototype, 1, { value: 'polluted', configurable: true, enumerable: true, writable: true });
    try {
      expect(() => parseLabels(holey)).toThrow(expect.objectContaining({ code: 'E_LABELS' }));
    } finally {
      delete (Array.prototype as unknown as Record<number, unknown>)[1];
    }
    expect(() => parseLabels(['a', 2 as unknown as string])).toThrow(
      expect.objectContaining({ code: 'E_LABELS', message: expect.stringContaining('label 1 is number 2') }),
    );
  });
});

describe('parseLabels bounds the label count', () => {
  it('refuses more lines than maxLines, counted before the text is split', () => {
    expect(parseLabels('a\nb\nc', 3)).toHaveLength(3);
    expect(() => parseLabels('a\nb\nc\nd', 3)).toThrow(
      expect.objectContaining({ code: 'E_LIMIT', message: expect.stringContaining('limits.maxLabelLines (3)') }),
    );
    // trailing blank lines are trimmed first, as before
    expect(parseLabels('a\nb\nc\n\n', 3)).toHaveLength(3);
  });

  it('bounds JSON lists and arrays the same way', () => {
    expect(() => parseLabels('["a", "b", "c", "d"]', 3)).toThrow(expect.objectContaining({ code: 'E_LIMIT' }));
    expect(() => parseLabels(['a', 'b', 'c', 'd'], 3)).toThrow(expect.objectContaining({ code: 'E_LIMIT' }));
    expect(parseLabels('[\n"a",\n"b",\n"c"\n]', 3)).toHaveLength(3);
  });

  it('has a default of 100,000 labels', () => {
    expect(parseLabels(Array.from({ length: 100_000 }, (_, i) => `c${i}`))).toHaveLength(100_000);
    expect(() => parseLabels('a\n'.repeat(100_001))).toThrow(expect.objectContaining({ code: 'E_LIMIT' }));
  });
});

describe('countUpTo', () => {
  it('counts a character, stopping at max', () => {
    expect(countUpTo('a\nb\nc', '\n', 10)).toBe(2);
    expect(countUpTo('\n'.repeat(1000), '\n', 10)).toBe(10);
    expect(countUpTo('', '\n', 10)).toBe(0);
  });
});
