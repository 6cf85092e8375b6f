import { OnnxMobilenetError } from '../errors/errors.js';

/** A synset line: WordNet id, whitespace, comma-separated names (`s`: names may hold any character). */
const WNID_LINE = /^(n\d{8})\s+(.+)$/s;

/** How a label list reads one trimmed, non-empty line: a synset line's id and names, else the line itself. */
export function readLabelLine(line: string): { id: string; label: string; synonyms: string[] } {
  const [, wnid, list] = WNID_LINE.exec(line) ?? [];
  const synonyms =
    wnid && list
      ? list
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [line];
  return { id: wnid ?? line, label: synonyms[0] ?? line, synonyms };
}

/**
 * Throws `E_INPUT` unless a label list reads `label` back unchanged: not padded with spaces, not a
 * WordNet line such as "n01440764 tench, Tinca tinca" (read back as "tench"). The class names a
 * trainer or an export writes into a file must come back as given.
 *
 * @example
 * ```ts
 * assertLabelReadsBack('ripe'); // passes
 * assertLabelReadsBack(' ripe'); // throws E_INPUT: ... would read back as "ripe"
 * ```
 */
export function assertLabelReadsBack(label: string): void {
  const read = readLabelLine(label.trim()).label;
  if (read !== label) {
    throw new OnnxMobilenetError('E_INPUT', `the label ${JSON.stringify(label)} would read back as ${JSON.stringify(read)} from the exported file; rename it`);
  }
}
