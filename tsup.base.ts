import type { Options } from 'tsup';

/** The one tsup setup every package builds with: ESM + CJS + .d.ts, dependencies external. */
export function libraryConfig(overrides: Options): Options {
  return {
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    splitting: false,
    treeshake: true,
    ...overrides,
  };
}
