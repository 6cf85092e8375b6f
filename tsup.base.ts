import type { Options } from 'tsup';

/**
 * The one tsup setup every package builds with: ESM + CJS + .d.ts, dependencies external. Entries
 * of one package share modules through common chunks (`splitting`), so a module with state or a
 * class (`OnnxMobilenetError`) exists once however many subpaths an app imports.
 */
export function libraryConfig(overrides: Options): Options {
  return {
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    splitting: true,
    treeshake: true,
    ...overrides,
  };
}
