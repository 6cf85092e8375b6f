import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOnnxMobilenetError } from '@onnx-mobilenet/node';
import { runCli } from './cli-main.js';
import { pruneBinaries } from './prune-binaries.js';

// Fake packages laid out as onnxruntime-node and sharp ship them: a package.json with the name,
// and a file of known size in every binary folder.
function file(path: string, bytes = 1000): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.alloc(bytes));
}
function pkg(dir: string, name: string): void {
  file(join(dir, 'package.json'), 0);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name }));
}
const ORT_TARGETS = ['linux/x64', 'linux/arm64', 'darwin/arm64', 'win32/x64', 'win32/arm64'];
function ort(dir: string): void {
  pkg(dir, 'onnxruntime-node');
  file(join(dir, 'dist/index.js'));
  for (const t of ORT_TARGETS) file(join(dir, 'bin/napi-v6', t, 'onnxruntime_binding.node'));
}
function img(nodeModules: string, names: string[]): void {
  for (const n of names) {
    pkg(join(nodeModules, '@img', n), `@img/${n}`);
    file(join(nodeModules, '@img', n, 'lib/binary'));
  }
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-prune-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('pruneBinaries', () => {
  it("keeps the target's onnxruntime-node folder and sharp build, removes the others (npm layout)", () => {
    const nm = join(root, 'node_modules');
    ort(join(nm, 'onnxruntime-node'));
    img(nm, [
      'sharp-linux-x64',
      'sharp-libvips-linux-x64',
      'sharp-darwin-arm64',
      'sharp-libvips-darwin-arm64',
      'sharp-linuxmusl-x64',
      'sharp-wasm32',
      'colour',
    ]);
    pkg(join(nm, 'sharp'), 'sharp');
    const result = pruneBinaries(nm, { platform: 'linux', arch: 'x64', libc: 'glibc' });
    expect(result.removed.map((f) => f.path).sort()).toEqual(
      [
        'onnxruntime-node/bin/napi-v6/darwin',
        'onnxruntime-node/bin/napi-v6/win32',
        'onnxruntime-node/bin/napi-v6/linux/arm64',
        '@img/sharp-darwin-arm64',
        '@img/sharp-libvips-darwin-arm64',
        '@img/sharp-linuxmusl-x64',
        '@img/sharp-wasm32',
      ].sort(),
    );
    expect(result.missing).toEqual([]);
    // darwin 1 folder, win32 2, linux/arm64 1: 1000 bytes each; 4 @img packages of 1000 bytes plus their package.json
    expect(result.bytes).toBeGreaterThanOrEqual(8000);
    expect(existsSync(join(nm, 'onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node'))).toBe(true);
    expect(existsSync(join(nm, 'onnxruntime-node/bin/napi-v6/darwin'))).toBe(false);
    expect(existsSync(join(nm, 'onnxruntime-node/dist/index.js'))).toBe(true);
    for (const kept of ['sharp-linux-x64', 'sharp-libvips-linux-x64', 'colour']) expect(existsSync(join(nm, '@img', kept, 'package.json'))).toBe(true);
    expect(existsSync(join(nm, '@img/sharp-darwin-arm64'))).toBe(false);
    expect(existsSync(join(nm, 'sharp/package.json'))).toBe(true);
  });

  it("finds pnpm's store folders, and a musl target keeps linuxmusl's sharp", () => {
    const nm = join(root, 'node_modules');
    const store = join(nm, '.pnpm/onnxruntime-node@1.30.0/node_modules/onnxruntime-node');
    ort(store);
    symlinkSync(store, join(nm, 'onnxruntime-node'));
    img(join(nm, '.pnpm/@img+sharp-linuxmusl-arm64@0.34.5/node_modules'), ['sharp-linuxmusl-arm64']);
    img(join(nm, '.pnpm/@img+sharp-linux-arm64@0.34.5/node_modules'), ['sharp-linux-arm64']);
    const result = pruneBinaries(nm, { platform: 'linux', arch: 'arm64', libc: 'musl' });
    expect(result.removed.map((f) => f.path).sort()).toEqual(
      [
        '.pnpm/onnxruntime-node@1.30.0/node_modules/onnxruntime-node/bin/napi-v6/darwin',
        '.pnpm/onnxruntime-node@1.30.0/node_modules/onnxruntime-node/bin/napi-v6/win32',
        '.pnpm/onnxruntime-node@1.30.0/node_modules/onnxruntime-node/bin/napi-v6/linux/x64',
        '.pnpm/@img+sharp-linux-arm64@0.34.5/node_modules/@img/sharp-linux-arm64',
      ].sort(),
    );
    // onnxruntime-node has no musl build: named, so the deployment is known not to load
    expect(result.missing).toEqual([expect.stringMatching(/onnxruntime-node .*no musl build/)]);
    expect(existsSync(join(nm, 'onnxruntime-node/bin/napi-v6/linux/arm64/onnxruntime_binding.node'))).toBe(true);
  });

  it('never follows a link out of the folder, nor removes a look-alike', () => {
    const outside = join(root, 'outside');
    ort(join(outside, 'onnxruntime-node'));
    img(join(outside, 'nm'), ['sharp-darwin-arm64']);
    const nm = join(root, 'app/node_modules');
    mkdirSync(nm, { recursive: true });
    // a linked package (a workspace link), a linked node_modules, a linked scope, a linked bin folder
    symlinkSync(join(outside, 'onnxruntime-node'), join(nm, 'onnxruntime-node'));
    pkg(join(nm, 'dep'), 'dep');
    symlinkSync(join(outside, 'nm'), join(nm, 'dep/node_modules'));
    symlinkSync(join(outside, 'nm/@img'), join(nm, '@img'));
    const inner = join(nm, 'other/node_modules/onnxruntime-node');
    pkg(inner, 'onnxruntime-node');
    symlinkSync(join(outside, 'onnxruntime-node/bin'), join(inner, 'bin'));
    // a folder with the name but another package.json name
    file(join(nm, 'x/node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/a.node'));
    pkg(join(nm, 'x/node_modules/onnxruntime-node'), 'not-onnxruntime');
    img(join(nm, 'y/node_modules'), ['sharp-linux-x64']);
    const result = pruneBinaries(nm, { platform: 'linux', arch: 'x64' });
    expect(result.removed).toEqual([]);
    for (const t of ORT_TARGETS) expect(existsSync(join(outside, 'onnxruntime-node/bin/napi-v6', t))).toBe(true);
    expect(existsSync(join(outside, 'nm/@img/sharp-darwin-arm64/lib/binary'))).toBe(true);
    expect(existsSync(join(nm, 'x/node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/a.node'))).toBe(true);
  });

  it('dry run lists the same folders and removes nothing', () => {
    const nm = join(root, 'node_modules');
    ort(join(nm, 'onnxruntime-node'));
    const dry = pruneBinaries(nm, { platform: 'darwin', arch: 'arm64', dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.removed.map((f) => f.path).sort()).toEqual(['onnxruntime-node/bin/napi-v6/linux', 'onnxruntime-node/bin/napi-v6/win32']);
    for (const t of ORT_TARGETS) expect(existsSync(join(nm, 'onnxruntime-node/bin/napi-v6', t))).toBe(true);
    const real = pruneBinaries(nm, { platform: 'darwin', arch: 'arm64' });
    expect(real.removed).toEqual(dry.removed);
    expect(existsSync(join(nm, 'onnxruntime-node/bin/napi-v6/linux'))).toBe(false);
  });

  it('leaves a package whole when it has no binaries for the target, and names it', () => {
    const nm = join(root, 'node_modules');
    ort(join(nm, 'onnxruntime-node'));
    img(nm, ['sharp-darwin-arm64', 'sharp-libvips-darwin-arm64']);
    const result = pruneBinaries(nm, { platform: 'linux', arch: 'ppc64', libc: 'glibc' });
    expect(result.removed).toEqual([]);
    expect(result.missing).toEqual([
      expect.stringContaining('onnxruntime-node (no napi-v6/linux/ppc64)'),
      expect.stringContaining("@img/sharp-linux-ppc64 (sharp's build for the target is not installed: install @img/sharp-linux-ppc64"),
    ]);
    // with sharp there, the exact versions it asks for
    pkg(join(nm, 'sharp'), 'sharp');
    writeFileSync(
      join(nm, 'sharp/package.json'),
      JSON.stringify({ name: 'sharp', optionalDependencies: { '@img/sharp-linux-ppc64': '0.34.5', '@img/sharp-libvips-linux-ppc64': '1.2.4' } }),
    );
    expect(pruneBinaries(nm, { platform: 'linux', arch: 'ppc64', libc: 'glibc' }).missing[1]).toContain(
      'npm install --no-save --force @img/sharp-linux-ppc64@0.34.5 @img/sharp-libvips-linux-ppc64@1.2.4, or install on a linux-ppc64 machine',
    );
    expect(existsSync(join(nm, '@img/sharp-darwin-arm64/lib/binary'))).toBe(true);
  });

  it('refuses a bad target or folder with a typed error', () => {
    expect(() => pruneBinaries(root, { platform: 'aix' as 'linux' })).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => pruneBinaries(root, { arch: 'mips' as 'x64' })).toThrow(/arch must be one of 'x64', 'arm64', .*, 'riscv64', got the string "mips"/);
    let caught: unknown;
    try {
      pruneBinaries(join(root, 'absent'));
    } catch (err) {
      caught = err;
    }
    expect(isOnnxMobilenetError(caught, 'E_NOT_FOUND')).toBe(true);
  });
});

describe('onnx-mobilenet prune-binaries', () => {
  async function cli(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
    return { code, out, err };
  }

  it('prints what it removes and the total', async () => {
    const nm = join(root, 'node_modules');
    ort(join(nm, 'onnxruntime-node'));
    const { code, out, err } = await cli(['prune-binaries', nm, '--platform', 'linux', '--arch', 'x64', '--dry-run']);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toContain('would remove onnxruntime-node/bin/napi-v6/darwin (0.0 MB)');
    expect(out.at(-1)).toMatch(/^would free 0\.0 MB in 3 folders; kept linux-x64 \((glibc|musl)\)$/);
    expect(existsSync(join(nm, 'onnxruntime-node/bin/napi-v6/darwin'))).toBe(true);
  });

  it('prints folder names read from disk escaped, never raw control characters', async () => {
    const nm = join(root, 'node_modules');
    ort(join(nm, 'onnxruntime-node'));
    file(join(nm, 'onnxruntime-node/bin/napi-v6/\u001b]0;pwned\u0007evil/x64/onnxruntime_binding.node'));
    const { code, out } = await cli(['prune-binaries', nm, '--platform', 'linux', '--arch', 'x64', '--dry-run']);
    expect(code).toBe(0);
    const listed = out.find((l) => l.includes('pwned'));
    expect(listed).toBeDefined();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is that none reach the terminal
    expect(out.filter((l) => /[\u0000-\u001f\u007f]/.test(l))).toEqual([]);
  });

  it('exits 1 naming what the target lacks, 2 on a bad flag', async () => {
    const nm = join(root, 'node_modules');
    ort(join(nm, 'onnxruntime-node'));
    const lacking = await cli(['prune-binaries', nm, '--platform', 'darwin', '--arch', 'x64']);
    expect(lacking.code).toBe(1);
    expect(lacking.err.join('\n')).toMatch(/no binaries for darwin-x64: onnxruntime-node \(no napi-v6\/darwin\/x64\)/);
    const bad = await cli(['prune-binaries', nm, '--arch', 'sparc']);
    expect(bad.code).toBe(2);
    expect(bad.err[0]).toMatch(/--arch must be x64, arm64, .* or riscv64, got "sparc"/);
    expect((await cli(['prune-binaries'])).code).toBe(2);
    const absent = await cli(['prune-binaries', join(root, 'absent')]);
    expect(absent.code).toBe(1);
    expect(absent.err[0]).toMatch(/E_NOT_FOUND: no node_modules folder at/);
  });
});
