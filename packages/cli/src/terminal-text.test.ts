import { expect, it } from 'vitest';
import { jsonText, terminalText } from './terminal-text.js';

it('shows controls, DEL, C1, separators, bidi controls and lone surrogates as escapes, and keeps the rest', () => {
  expect(terminalText('a\x1b[2J\x07b')).toBe('a\\x1b[2J\\x07b');
  expect(terminalText('one\ntwo\rthree\tfour\x00\x7f\x85\x9b')).toBe('one\\ntwo\\rthree\\tfour\\x00\\x7f\\x85\\x9b');
  expect(terminalText('\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c')).toBe(
    '\\u2028\\u2029\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c',
  );
  expect(terminalText('x\ud800y\udfffz')).toBe('x\\ud800y\\udfffz');
  // kept: printable text in any script, a surrogate pair, a backslash, spaces
  const kept = 'café Ñandú 東京 🐟 C:\\photos\\a b.jpg';
  expect(terminalText(kept)).toBe(kept);
  expect(terminalText(42)).toBe('42');
});

it('jsonText is exact JSON that escapes what JSON.stringify leaves raw', () => {
  const value = { file: 'a\x1b\n\u202e\u2028\x7f\x9b\ud800', label: 'café 🐟' };
  const text = jsonText(value);
  expect(text).toBe('{"file":"a\\u001b\\n\\u202e\\u2028\\u007f\\u009b\\ud800","label":"café 🐟"}');
  expect(JSON.parse(text)).toEqual(value);
  expect(jsonText({ a: ['\u2066'] }, 2)).toBe('{\n  "a": [\n    "\\u2066"\n  ]\n}');
});
