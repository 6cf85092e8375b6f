import { copyFileSync, cpSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.base.js';
import { hideFileUrls } from './scripts/vendor-onnxruntime-web.mjs';
import { CODEC_WASM_FILES } from './src/decode/codec-files.js';

// Both configs leave dist/ alone (they run in parallel): the build script empties it.
// The .wasm files stay files (imported by the edge entries, read by the default one): copied to
// dist/vendor/, where the built entries find them by the same relative path as the sources.
// The codecs' come from their packages (src/decode/codec-files.ts names them).
const require = createRequire(import.meta.url);
const copyWasm = async () => {
  cpSync('src/vendor', 'dist/vendor', { recursive: true, filter: (f) => !/\.m?[jt]s$/.test(f) });
  for (const { file, source } of Object.values(CODEC_WASM_FILES)) copyFileSync(require.resolve(source), `dist/vendor/${file}`);
};

export default defineConfig([
  libraryConfig({ entry: { index: 'src/index.ts' }, clean: false, shims: true, external: [/\.wasm(\?module)?$/], onSuccess: copyWasm }),
  // ESM only: workerd and edge builds import modules. The codecs' Emscripten glue is bundled in,
  // its `new URL('<codec>.wasm', import.meta.url)` hidden: from the package, Next.js's edge build
  // emitted each codec's .wasm twice (an asset beside the `?module` binding, +0.11 MB gzip).
  libraryConfig({
    entry: { workerd: 'src/workerd.ts', 'edge-light': 'src/edge-light.ts' },
    format: ['esm'],
    clean: false,
    external: [/\.wasm(\?module)?$/],
    noExternal: [/^@jsquash\//],
    esbuildPlugins: [
      {
        name: 'hide-file-urls',
        setup(build) {
          build.onLoad({ filter: /[\\/]@jsquash[\\/].+\.js$/ }, async (args) => ({ contents: hideFileUrls(await readFile(args.path, 'utf8')), loader: 'js' }));
        },
      },
    ],
  }),
  // Bun's entry: its wasm imports keep `with { type: 'file' }`, what makes `bun build --compile`
  // embed them. esbuild drops import attributes its target lacks, and tsup's Rollup tree-shaking
  // rewrites them to the `assert` of old proposals: esbuild's own tree-shaking instead.
  libraryConfig({
    entry: { bun: 'src/bun.ts' },
    format: ['esm'],
    clean: false,
    treeshake: false,
    external: [/\.wasm$/],
    esbuildOptions(options) {
      options.supported = { ...options.supported, 'import-attributes': true };
    },
  }),
]);
