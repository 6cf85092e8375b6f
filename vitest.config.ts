import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/** A type-test project: tsc on `file` with `tsconfig` (its conditions and libs), no runtime tests. */
function typeTests(name: string, file: string, tsconfig: string) {
  return {
    extends: true as const,
    test: { name, include: [], typecheck: { enabled: true, only: true, include: [file], tsconfig, ignoreSourceErrors: false } },
  };
}

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
    projects: [
      { extends: true, test: { name: 'unit' } },
      // the public API's types as a Node project and as a browser project see them (test/types)
      typeTests('types-node', 'test/types/node.test-d.ts', 'test/types/tsconfig.node.json'),
      typeTests('types-web', 'test/types/web.test-d.ts', 'test/types/tsconfig.web.json'),
    ],
  },
});
