import { OnnxMobilenetError } from './errors.js';
import { describeValue } from './sources.js';

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

const WNID_LINE = /^(n\d{8})\s+(.+)$/;

/**
 * Parses a label list in any of the usual formats: the model zoo's `synset.txt`
 * (`n01440764 tench, Tinca tinca` a line), a JSON array of strings, or one label a line.
 * Lines are in model output order.
 *
 * @example
 * ```ts
 * const labels = parseLabels('n01440764 tench, Tinca tinca\nn01443537 goldfish, Carassius auratus');
 * labels[1]; // { index: 1, id: 'n01443537', label: 'goldfish', synonyms: ['goldfish', 'Carassius auratus'] }
 * ```
 */
export function parseLabels(source: string | readonly string[]): ClassLabel[] {
  let lines: readonly string[];
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
    } else {
      lines = text.split(/\r?\n/);
    }
  } else if (Array.isArray(source)) {
    lines = source;
  } else {
    throw new OnnxMobilenetError('E_LABELS', 'labels must be a string (file contents) or an array of strings');
  }
  // A JavaScript caller's array may hold anything: the map below names a non-string label.
  if (lines.length === 0 || (lines.length === 1 && typeof lines[0] === 'string' && lines[0].trim() === '')) {
    throw new OnnxMobilenetError('E_LABELS', 'the label list is empty');
  }
  return lines.map((raw: unknown, index) => {
    if (typeof raw !== 'string') throw new OnnxMobilenetError('E_LABELS', `label ${index} is ${describeValue(raw)}; labels must be strings`);
    const line = raw.trim();
    if (line === '') throw new OnnxMobilenetError('E_LABELS', `label ${index} (line ${index + 1}) is empty`);
    const [, wnid, list] = WNID_LINE.exec(line) ?? [];
    const synonyms =
      wnid && list
        ? list
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [line];
    return { index, id: wnid ?? line, label: synonyms[0] ?? line, synonyms };
  });
}
