import { describe, expect, it } from 'vitest';
import { scriptOfStack } from './thread-support.js';

describe('scriptOfStack', () => {
  it('reads the innermost script URL of Chromium, Firefox and WebKit stacks', () => {
    const chromium = `RangeError: Tensor's size(2) does not match data length(1).\n    at new tn (http://127.0.0.1:5173/assets/worker-blDoGGUl.js:1:23456)\n    at Ge (http://127.0.0.1:5173/assets/index-x.js:2:10)`;
    const firefox = `tn@http://127.0.0.1:5173/assets/ort.wasm.bundle.min-CuzBlRGm.js:3:100\nGe@http://127.0.0.1:5173/assets/index-x.js:2:10`;
    const webkit = `tn@blob:http://127.0.0.1:5173/0b7c-11:1:2\nglobal code@http://127.0.0.1:5173/a.js:1:1`;
    const anonymous = `Error\n    at http://127.0.0.1:5173/assets/worker.js:1:5`;
    expect(scriptOfStack(chromium)).toBe('http://127.0.0.1:5173/assets/worker-blDoGGUl.js');
    expect(scriptOfStack(firefox)).toBe('http://127.0.0.1:5173/assets/ort.wasm.bundle.min-CuzBlRGm.js');
    expect(scriptOfStack(webkit)).toBe('blob:http://127.0.0.1:5173/0b7c-11');
    expect(scriptOfStack(anonymous)).toBe('http://127.0.0.1:5173/assets/worker.js');
  });

  it('gives undefined for stacks without a script URL', () => {
    expect(scriptOfStack(undefined)).toBeUndefined();
    expect(scriptOfStack('Error: x\n    at <anonymous>')).toBeUndefined();
  });
});
