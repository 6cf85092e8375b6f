// Packs every publishable package under packages/ as npm would publish it (pnpm pack rewrites
// `workspace:*` to the real versions). Run after the build: the tarballs hold dist/.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packagesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../packages');

/**
 * Runs `pnpm pack --pack-destination <outDir>` in each non-private package of packages/.
 * @param {string} outDir
 * @returns {Promise<Record<string, string>>} package name → absolute path of its tarball
 */
export async function packTarballs(outDir) {
  /** @type {Record<string, string>} */
  const tarballs = {};
  for (const entry of readdirSync(packagesDir, { withFileTypes: true })) {
    const dir = join(packagesDir, entry.name);
    if (!entry.isDirectory()) continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    const out = execFileSync('pnpm', ['pack', '--pack-destination', outDir], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const tgz = out.trim().split('\n').reverse().find((line) => line.trim().endsWith('.tgz'));
    if (!tgz) throw new Error(`pnpm pack printed no tarball for ${manifest.name}:\n${out}`);
    tarballs[manifest.name] = resolve(outDir, tgz.trim().split('/').pop() ?? '');
  }
  return tarballs;
}
