/**
 * Characters a terminal would act on instead of showing: C0 controls (ESC starts the sequences that
 * clear the screen or set the window title, CR and LF forge lines), DEL, C1 controls (U+009B is a
 * one-character CSI), the line and paragraph separators, the bidi embeddings, overrides, isolates
 * and marks (U+202E shows a label reversed), and lone surrogates (which a terminal shows as U+FFFD,
 * hiding what the name holds).
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The same characters as they can appear inside a JSON string (JSON.stringify already escapes C0 and lone surrogates). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return SHORT[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * Text from outside (file names, labels, model names, error messages) made safe to print on a
 * terminal: every control, bidi or separator character becomes a visible escape (`\x1b`, `\n`,
 * `\u202e`), so a name cannot move the cursor, set the title, forge result lines or reverse text.
 * Everything else, including a backslash, is kept as it is. Every human-readable line the CLI
 * prints passes its outside values through this.
 *
 * @example
 * ```ts
 * terminalText('a\x1b[2Jb\n\u202ec'); // 'a\\x1b[2Jb\\n\\u202ec'
 * ```
 */
export function terminalText(value: unknown): string {
  return String(value).replace(UNSAFE, escapeChar);
}

/**
 * `JSON.stringify(value, null, indent)` with the characters JSON leaves raw but terminals act on
 * (DEL, C1, U+2028/U+2029, bidi controls) written as `\uXXXX` escapes: still exact JSON, which
 * parses back to the same strings, and safe to show on a terminal.
 *
 * @example
 * ```ts
 * jsonText({ label: '\u202etench' }); // '{"label":"\\u202etench"}'
 * ```
 */
export function jsonText(value: unknown, indent?: number): string {
  // Outside strings JSON.stringify writes ASCII only, so every match is inside a string.
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
