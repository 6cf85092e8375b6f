import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests run on sources: the "source" export condition maps each workspace package to src/.
export default defineConfig({
  resolve: { conditions: ['source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // test/packed runs on the built tarballs: `pnpm test:packed` (vitest.packed.config.ts)
    exclude: ['**/node_modules/**', '**/dist/**', 'test/packed/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2 cores: files run in parallel workers, onnxruntime sessions use threads of their own.
    maxWorkers: 2,
  },
});
