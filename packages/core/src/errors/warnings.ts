import type { Warn } from '../backend.js';

/**
 * The warning channel of one classifier: each `code` reaches `sink` once, later ones with the same
 * code are dropped. Held per classifier (not per module), so every new classifier, and every test,
 * starts with none sent.
 */
export function onceEachCode(sink: (message: string, code: string) => void): Warn {
  const sent = new Set<string>();
  return (message, code) => {
    if (sent.has(code)) return;
    sent.add(code);
    sink(message, code);
  };
}
