import type { NextConfig } from 'next';

// Nothing is required for onnx-mobilenet, with Turbopack (`next build`) or webpack
// (`next build --webpack`), with `next start` or `output: 'standalone'`: Next.js keeps
// `onnxruntime-node` and `sharp` (the native modules of the server side) out of its server bundles,
// its file tracing copies this platform's onnxruntime binaries into a standalone build, and the
// browser side resolves the package's browser build. The two lines below only make this example's
// monorepo build tidy.
const config: NextConfig = {
  // Turbopack's root is the monorepo (workspace packages live two folders up).
  turbopack: { root: new URL('../..', import.meta.url).pathname },
  outputFileTracingRoot: new URL('../..', import.meta.url).pathname,
};

export default config;
