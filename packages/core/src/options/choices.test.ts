import { describe, expect, it } from 'vitest';
import { ADAPTER_OPTION_KINDS, CLASSIFIER_OPTION_KINDS } from './classifier-options.js';
import { DEFAULTS, RESIZE_MODES, resolvePreprocessOptions } from './defaults.js';
import { checkChoice, orList } from './own-options.js';

describe('option values from constant tuples', () => {
  it('lists values as prose', () => {
    expect([orList([]), orList(['a']), orList(['a', 'b']), orList(['a', 'b', 'c'])]).toEqual(['', 'a', 'a or b', 'a, b or c']);
  });

  it('accepts each value of the tuple and refuses anything else, listing every value', () => {
    for (const v of ['x', 'y', 'z', undefined]) expect(() => checkChoice('option', v, ['x', 'y', 'z'])).not.toThrow();
    expect(() => checkChoice('option', 'w', ['x', 'y', 'z'])).toThrow(
      expect.objectContaining({ code: 'E_INPUT', message: "option must be one of 'x', 'y', 'z', got the string \"w\"" }),
    );
    expect(() => checkChoice('option', 5, ['x'])).toThrow("option must be one of 'x', got number 5");
    // inherited names are not values
    expect(() => checkChoice('option', 'includes', ['x'])).toThrow(/got the string "includes"/);
  });

  it('takes preprocess.mode from RESIZE_MODES: each one resolves, the default among them, the message lists them all', () => {
    expect(RESIZE_MODES).toContain(DEFAULTS.preprocess.mode);
    for (const mode of RESIZE_MODES) expect(resolvePreprocessOptions({ mode, cropSize: 224, resizeShorter: 256 }).mode).toBe(mode);
    expect(() => resolvePreprocessOptions({ mode: 'stretch' as never })).toThrow(
      `preprocess.mode must be one of ${RESIZE_MODES.map((m) => `'${m}'`).join(', ')}, got the string "stretch"`,
    );
  });

  it("lists every adapter's own option beside the common ones, each once", () => {
    const own = Object.keys(ADAPTER_OPTION_KINDS).filter((k) => !(k in CLASSIFIER_OPTION_KINDS));
    expect(own.sort()).toEqual(['cacheDir', 'cacheName', 'imageRoots', 'wasmModules', 'wasmPaths']);
  });
});
