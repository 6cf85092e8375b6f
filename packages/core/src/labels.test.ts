import { describe, expect, it } from 'vitest';
import { parseLabels } from './labels.js';

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
});
