import { describe, expect, it } from 'vitest';
import { MODELS } from '../io/model-registry.js';
import { registryNameHint } from '../io/registry-hint.js';
import { didYouMean, editDistance } from './did-you-mean.js';

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

  it('says nothing for what looks like a path or a file', () => {
    expect(registryNameHint('./models/mine.onnx')).toBeUndefined();
    expect(registryNameHint('models/resnet')).toBeUndefined();
    expect(registryNameHint('C:\\models\\x')).toBeUndefined();
    expect(registryNameHint('mine.onnx')).toBeUndefined();
  });
});
