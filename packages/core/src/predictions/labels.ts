import { DEFAULTS } from '../options/defaults.js';
import { describeValue, OnnxMobilenetError } from '../errors/errors.js';
import { readLabelLine } from './label-text.js';

/** One class of the model's output. */
export interface ClassLabel {
  /** Position in the model's output vector. */
  index: number;
  /** Stable id: the WordNet id (`n01440764`) where the label file gives one, else the label. */
  id: string;
  /** Human-readable name: the first synonym (`tench`). */
  label: string;
  /** All names the label file lists for the class (`['tench', 'Tinca tinca']`). */
  synonyms: string[];
}

/**
 * What a line of a label file is, in one place: text ending at LF or CRLF. U+2028, U+2029, NEL,
 * VT, FF and a lone CR are characters of a label, not breaks (JavaScript's `.` stops at some of
 * them, which made `n01440764 tench\u2028…` lose its WordNet id).
 */
const LINE_BREAK = /\r?\n/;

/**
 * Parses a label list in any of the usual formats: the model zoo's `synset.txt`
 * (`n01440764 tench, Tinca tinca` a line), a JSON array of strings, or one label a line.
 * Lines are in model output order. More than `maxLines` labels is `E_LIMIT`, counted before the
 * text is split (default `DEFAULTS.limits.maxLabelLines`).
 *
 * @example
 * ```ts
 * const labels = parseLabels('n01440764 tench, Tinca tinca\nn01443537 goldfish, Carassius auratus');
 * labels[1]; // { index: 1, id: 'n01443537', label: 'goldfish', synonyms: ['goldfish', 'Carassius auratus'] }
 * ```
 */
export function parseLabels(source: string | readonly string[], maxLines: number = DEFAULTS.limits.maxLabelLines): ClassLabel[] {
  let lines: readonly string[];
  const tooMany = (count: number, more = '') =>
    new OnnxMobilenetError('E_LIMIT', `the label list has ${count}${more} labels, over limits.maxLabelLines (${maxLines})`);
  if (typeof source === 'string') {
    const text = source.replace(/^\uFEFF/, '').trim();
    if (text.startsWith('[')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not V8's message, which quotes the text around the error: never file contents in a message.
        throw new OnnxMobilenetError('E_LABELS', 'label list looks like JSON (it starts with "[") but does not parse as JSON');
      }
      if (!Array.isArray(parsed) || parsed.some((x) => typeof x !== 'string')) {
        throw new OnnxMobilenetError('E_LABELS', 'a JSON label list must be an array of strings');
      }
      lines = parsed as string[];
      if (lines.length > maxLines) throw tooMany(lines.length);
    } else {
      // Counted before anything is split: 20 MB of one-letter lines made 10 million label objects.
      if (countUpTo(text, '\n', maxLines) >= maxLines) throw tooMany(maxLines + 1, ' or more');
      lines = text.split(LINE_BREAK);
    }
  } else if (Array.isArray(source)) {
    lines = source;
    if (lines.length > maxLines) throw tooMany(lines.length);
  } else {
    throw new OnnxMobilenetError('E_LABELS', 'labels must be a string (file contents) or an array of strings');
  }
  // A JavaScript caller's array may hold anything: the loop below names a non-string label.
  if (lines.length === 0 || (lines.length === 1 && typeof lines[0] === 'string' && lines[0].trim() === '')) {
    throw new OnnxMobilenetError('E_LABELS', 'the label list is empty');
  }
  // By index, own elements only: map() skips an array's holes (leaving holes in the result, a
  // TypeError at the first classify), and a hole read directly would find Array.prototype's value.
  const labels: ClassLabel[] = [];
  for (let index = 0; index < lines.length; index++) {
    const raw: unknown = Object.hasOwn(lines, index) ? lines[index] : undefined;
    if (typeof raw !== 'string')
      throw new OnnxMobilenetError(
        'E_LABELS',
        `label ${index} is ${Object.hasOwn(lines, index) ? describeValue(raw) : 'missing (a hole in the array)'}; labels must be strings`,
      );
    const line = raw.trim();
    if (line === '') throw new OnnxMobilenetError('E_LABELS', `label ${index} (line ${index + 1}) is empty`);
    labels.push({ index, ...readLabelLine(line) });
  }
  return labels;
}

/**
 * How many times `char` occurs in `text`, counting no further than `max`: a bound on the lines
 * (or entries) of a text, found without splitting it.
 *
 * @example
 * ```ts
 * countUpTo('a\nb\nc', '\n', 10); // 2
 * ```
 */
export function countUpTo(text: string, char: string, max: number): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1 && count < max; at = text.indexOf(char, at + 1)) count++;
  return count;
}
