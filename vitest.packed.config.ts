import { defineConfig } from 'vitest/config';

// The consumer suite: the packed tarballs installed with npm/pnpm into fresh projects outside the
// workspace, bundler builds and browsers. Not part of `pnpm test` (it needs `pnpm build` and
// installs from the npm registry/cache), so long timeouts and one file at a time.
export default defineConfig({
  test: {
    include: ['test/packed/**/*.test.ts'],
    globalSetup: ['test/packed/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
