import { existsSync } from 'node:fs';
import { describe } from 'vitest';
import { assetsReason } from '../assets.js';
import { CHROMIUM } from './browser-env.mjs';

const browserReason = existsSync(CHROMIUM) ? '' : `no browser at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;

/** `describe` for suites that need Chromium and the assets: skipped with a reason, failing when CI=true. */
export function describeInBrowser(name: string, fn: () => void): void {
  const reason = assetsReason || browserReason;
  if (!reason) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
  describe.skip(`${name} [skipped: ${reason}]`, fn);
}
