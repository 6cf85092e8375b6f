// Packs every publishable workspace package the way `pnpm publish` would (publishConfig applied,
// `workspace:*` rewritten to real versions). Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../packages');

/**
 * Runs `pnpm pack --pack-destination <outDir>` in every non-private package under packages/.
 *
 * @param {string} outDir where the tarballs go
 * @returns {Promise<Record<string, string>>} package name → absolute tarball path
 */
export async function packTarballs(outDir) {
  /** @type {Record<string, string>} */
  const tarballs = {};
  for (const dir of readdirSync(PACKAGES_DIR)) {
    const pkgDir = join(PACKAGES_DIR, dir);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    const out = execFileSync('pnpm', ['pack', '--json', '--pack-destination', resolve(outDir)], { cwd: pkgDir, encoding: 'utf8' });
    tarballs[pkg.name] = resolve(outDir, JSON.parse(out).filename);
  }
  return tarballs;
}
