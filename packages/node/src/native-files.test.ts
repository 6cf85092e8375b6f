import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORT_BINARIES_FOLDER, ORT_LINUX_LIBRARY } from './native-files.js';

describe('ORT_BINARIES_FOLDER', () => {
  it("is where the installed onnxruntime-node keeps this platform's addon and the shared library it links", () => {
    // the package's own folder, as Node resolves it (an upgrade that moves the binaries fails here)
    const packageDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const folder = join(dirname(packageDir), ORT_BINARIES_FOLDER, process.platform, process.arch);
    expect(existsSync(join(folder, 'onnxruntime_binding.node'))).toBe(true);
    expect(readdirSync(folder).some((f) => /^(lib)?onnxruntime[.\d]*\.(so|dylib|dll)/.test(f))).toBe(true);
  });

  it('names the library the Linux addons link, for x64 and arm64', () => {
    const packageDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    for (const arch of ['x64', 'arm64']) {
      const folder = join(dirname(packageDir), ORT_BINARIES_FOLDER, 'linux', arch);
      // the addon's ELF names the library it needs: the NEEDED entry holds this string
      expect(readFileSync(join(folder, 'onnxruntime_binding.node')).includes(ORT_LINUX_LIBRARY), arch).toBe(true);
      expect(existsSync(join(folder, ORT_LINUX_LIBRARY)), arch).toBe(true);
    }
  });
});
