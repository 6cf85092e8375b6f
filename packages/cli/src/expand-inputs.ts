import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/** File extensions the CLI picks up when given a directory. */
export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'gif', 'tif', 'tiff', 'avif'];

/**
 * Expands CLI arguments into files, in a stable order: a directory gives its images (recursively,
 * sorted), a glob pattern its matches (sorted), anything else is kept as given, so a missing file
 * is reported as an error for that argument instead of silently vanishing.
 */
export async function expandInputs(args: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    let isDir = false;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      isDir = false;
    }
    if (isDir) {
      const files = await glob(`**/*.{${IMAGE_EXTENSIONS.join(',')}}`, { cwd: arg, absolute: false, caseSensitiveMatch: false });
      // One push per file: spreading 150,000 arguments overflows the stack.
      const base = arg.replace(/\/+$/, '');
      for (const f of files.sort()) out.push(`${base}/${f}`);
    } else if (isDynamicPattern(arg)) {
      const files = await glob(arg, { onlyFiles: true, absolute: isAbsolute(arg) });
      if (files.length === 0) out.push(arg);
      for (const f of files.sort()) out.push(f);
    } else {
      out.push(arg);
    }
  }
  return out;
}
