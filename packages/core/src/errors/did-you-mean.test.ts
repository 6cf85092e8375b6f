import { describe, expect, it } from 'vitest';
import { MODELS } from '../io/model-registry.js';
import { registryNameHint } from '../io/registry-hint.js';
import { closeNames, didYouMean, editDistance } from './did-you-mean.js';

describe('editDistance', () => {
  it.each([
    ['model', 'model', 0],
    ['modle', 'model', 1], // a swap is one edit
    ['clasify', 'classify', 1],
    ['mobilenetv2-12-int9', 'mobilenetv2-12-int8', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3], // optimal string alignment: no edit of a swapped pair
  ])('%s -> %s: %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('didYouMean', () => {
  const commands = ['classify', 'eval', 'train', 'models', 'prune-binaries'];
  it.each([
    ['clasify', 'classify'],
    ['modles', 'models'],
    ['evl', 'eval'],
    ['prune-binaris', 'prune-binaries'],
    ['frobnicate', undefined],
    ['prune', undefined], // 9 edits from prune-binaries
    ['x', undefined],
    ['q'.repeat(100_000), undefined],
  ])('%s: %s', (word, expected) => {
    expect(didYouMean(word, commands)).toBe(expected);
  });

  it('allows a third of a long name, 2 edits of a short one, 1 of 3 characters or fewer', () => {
    expect(didYouMean('mobilenetv2-12-in', Object.keys(MODELS))).toBe('mobilenetv2-12-int8'); // 2 edits
    expect(didYouMean('mobilnetv2-12-in', Object.keys(MODELS))).toBe('mobilenetv2-12-int8'); // 3 edits, 16 characters: a third is 5
    expect(didYouMean('mobilenet', Object.keys(MODELS))).toBeUndefined(); // 4 edits, 9 characters: a third is 3
    expect(didYouMean('tpo', ['top'])).toBe('top');
    expect(didYouMean('tx', ['top'])).toBeUndefined();
  });
});

describe('registryNameHint', () => {
  const list = `Registry names: ${Object.keys(MODELS).join(', ')}`;
  it('names the closest registry name and lists them all', () => {
    expect(registryNameHint('mobilenetv2-12-int9')).toBe(`"mobilenetv2-12-int9" is not a registry name either. Did you mean "mobilenetv2-12-int8"? ${list}`);
    expect(registryNameHint('mobilenetv2-7.onnx')).toBe(`"mobilenetv2-7.onnx" is not a registry name either. Did you mean "mobilenetv2-7"? ${list}`);
  });

  it('lists the names for a name-like word close to none', () => {
    expect(registryNameHint('resnet50')).toBe(`"resnet50" is not a registry name either. ${list}`);
  });

  it('never guesses another precision: at most 2 edits for registry names', () => {
    // int8 is 4 edits from fp32 (and the fp32 model is plain mobilenetv2-12): no guess, the list
    expect(registryNameHint('mobilenetv2-12-fp32')).toBe(`"mobilenetv2-12-fp32" is not a registry name either. ${list}`);
    expect(registryNameHint('mobilenetv2-12-fp16')).toBe(`"mobilenetv2-12-fp16" is not a registry name either. ${list}`);
    expect(registryNameHint('mobilenetv2-12-in')).toContain('Did you mean "mobilenetv2-12-int8"?');
  });

  it('names every registry name as close as the bound, nearest first', () => {
    expect(registryNameHint('mobilenetv2-11')).toBe(
      `"mobilenetv2-11" is not a registry name either. Did you mean "mobilenetv2-10" or "mobilenetv2-12"? ${list}`,
    );
    expect(closeNames('mobilenetv2-1', Object.keys(MODELS), 2)).toEqual(['mobilenetv2-7', 'mobilenetv2-10', 'mobilenetv2-12']);
    expect(closeNames('mobilenetv2-12-q', Object.keys(MODELS), 2)).toEqual(['mobilenetv2-12', 'mobilenetv2-12-qdq']);
  });

  it('a path whose file is named like a registry model: only that the registry name exists', () => {
    for (const path of ['/a/mobilenetv2-7', 'C:\\m\\mobilenetv2-7', './mobilenetv2-7.onnx'])
      expect(registryNameHint(path)).toBe('the registry model "mobilenetv2-7" is named without a folder or .onnx');
    expect(registryNameHint('./mobilenetv2-12')).toBe('the registry model "mobilenetv2-12" is named without a folder or .onnx');
    // near a registry name, but a path: nothing
    expect(registryNameHint('/a/mobilenetv2-77')).toBeUndefined();
    expect(registryNameHint('./mobilenetv2-12-int9')).toBeUndefined();
  });

  it('quotes the name raw (clipped): the printing layer escapes it, one way for the whole line', () => {
    expect(registryNameHint('mobilenetv2-12-int9\x1b')).toContain('"mobilenetv2-12-int9\x1b" is not a registry name either.');
    expect(registryNameHint(`m${'x'.repeat(10_000)}`)!.length).toBeLessThan(500);
  });

  it('says nothing for what looks like a path or a file', () => {
    expect(registryNameHint('./models/mine.onnx')).toBeUndefined();
    expect(registryNameHint('models/resnet')).toBeUndefined();
    expect(registryNameHint('C:\\models\\x')).toBeUndefined();
    expect(registryNameHint('mine.onnx')).toBeUndefined();
  });
});
