// TypeScript consumers of the packed `onnx-mobilenet`: strict Node tsconfigs without the DOM lib
// (node16 and bundler resolution) get the Node adapter's types; a DOM tsconfig gets the browser's.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { run } from './consumer-project.js';

const TYPES = resolve(import.meta.dirname, 'fixtures/types');
const TSC = resolve(import.meta.dirname, '../../node_modules/typescript/bin/tsc');
const NODE_LIB = { strict: true, noEmit: true, target: 'es2022', lib: ['es2023'], types: ['node'], skipLibCheck: true };

/** Writes a tsconfig into the consumer project and runs tsc on it; returns tsc's diagnostics. */
function tsc(app: string, name: string, compilerOptions: Record<string, unknown>, files: string[]): { status: number | null; output: string } {
  writeFileSync(join(app, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files }));
  const r = run(app, process.execPath, [TSC, '-p', `tsconfig.${name}.json`]);
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('packed onnx-mobilenet types', () => {
  const app = inject('npmApp');
  beforeAll(() => {
    for (const f of ['node-api.ts', 'node-api.cts', 'web-api.ts']) copyFileSync(join(TYPES, f), join(app, f));
  });

  it('module node16: the Node adapter types, ESM and CommonJS (batch classify is Prediction[][], Buffer/URL/path inputs)', () => {
    expect(tsc(app, 'node16', { ...NODE_LIB, module: 'node16', moduleResolution: 'node16' }, ['node-api.ts', 'node-api.cts'])).toEqual({
      status: 0,
      output: '',
    });
  });

  it('moduleResolution bundler with customConditions ["node"]: the Node adapter types', () => {
    const options = { ...NODE_LIB, module: 'esnext', moduleResolution: 'bundler', customConditions: ['node'] };
    expect(tsc(app, 'bundler', options, ['node-api.ts'])).toEqual({ status: 0, output: '' });
  });

  it('nothing in the Node types names a DOM type (checked without skipLibCheck)', () => {
    const { output } = tsc(app, 'node16-libcheck', { ...NODE_LIB, skipLibCheck: false, module: 'node16', moduleResolution: 'node16' }, [
      'node-api.ts',
      'node-api.cts',
    ]);
    const errorFiles = new Set(
      output
        .split('\n')
        .filter((l) => /error TS/.test(l))
        .map((l) => l.replace(/\(\d+,\d+\).*$/, '')),
    );
    // onnxruntime-common's own declarations name ImageData, HTMLImageElement, WebGL types (upstream)
    const ours = [...errorFiles].filter((f) => !f.startsWith('node_modules/onnxruntime-common/'));
    expect(ours).toEqual([]);
  });

  it('a DOM tsconfig (bundler resolution) gets the browser adapter types', () => {
    const options = {
      strict: true,
      noEmit: true,
      target: 'es2022',
      lib: ['es2023', 'dom', 'dom.iterable'],
      types: [],
      skipLibCheck: true,
      module: 'esnext',
      moduleResolution: 'bundler',
    };
    expect(tsc(app, 'web', options, ['web-api.ts'])).toEqual({ status: 0, output: '' });
  });
});
