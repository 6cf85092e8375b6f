import { defineConfig } from 'vitest/config';

// The packed packages as users install them: npm installs and bundler builds, so long timeouts.
export default defineConfig({
  test: {
    include: ['test/packed/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    maxWorkers: 1,
  },
});
