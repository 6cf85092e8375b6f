import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModelOutput, writeFileAtomic } from './model-file.js';

describe('the model file train writes', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-model-file-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces a file whole, and leaves the old one and no temporary file when the rename fails', () => {
    const path = join(dir, 'mine.onnx');
    writeFileSync(path, 'old');
    writeFileAtomic(path, new TextEncoder().encode('new model'));
    expect(readFileSync(path, 'utf8')).toBe('new model');
    // a non-empty folder where the file should go: the rename fails after the bytes were written
    mkdirSync(join(dir, 'taken.onnx'));
    writeFileSync(join(dir, 'taken.onnx', 'x'), 'x');
    expect(() => writeFileAtomic(join(dir, 'taken.onnx'), new Uint8Array(1000))).toThrow(/cannot write the model to -o .*taken\.onnx: /);
    expect(readdirSync(dir).sort()).toEqual(['mine.onnx', 'taken.onnx']);
  });

  it('refuses the base model under another name, a folder and a missing folder before anything is loaded', () => {
    const base = join(dir, 'base.onnx');
    writeFileSync(base, 'base');
    symlinkSync(base, join(dir, 'link.onnx'));
    expect(() => checkModelOutput(join(dir, 'link.onnx'), base)).toThrow(/it is the base model --model .*base\.onnx/);
    expect(() => checkModelOutput(join(dir, '.', 'base.onnx'), `${dir}/../${dir.split('/').pop()}/base.onnx`)).toThrow(/it is the base model/);
    expect(() => checkModelOutput(dir, undefined)).toThrow(/: it is a folder/);
    expect(() => checkModelOutput(join(dir, 'missing', 'mine.onnx'), base)).toThrow(/its folder does not exist/);
    expect(() => checkModelOutput(join(dir, 'other.onnx'), base)).not.toThrow();
    expect(() => checkModelOutput(join(dir, 'other.onnx'), 'mobilenetv2-7')).not.toThrow(); // a registry name is no file
  });
});
