import { readFileSync } from 'node:fs';

/**
 * The version of this package, from its package.json (one level above both src/ and dist/).
 *
 * @example
 * ```ts
 * cliVersion(); // '0.1.0'
 * ```
 */
export function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
