import type { NextConfig } from 'next';

// Nothing is required for onnx-mobilenet: Next.js already keeps `onnxruntime-node` and `sharp` (the
// native modules of the server side) out of its server bundles, and the browser side resolves the
// package's browser build. The two lines below only make this example's monorepo build tidy.
const config: NextConfig = {
  // Turbopack's root is the monorepo (workspace packages live two folders up).
  turbopack: { root: new URL('../..', import.meta.url).pathname },
  outputFileTracingRoot: new URL('../..', import.meta.url).pathname,
};

export default config;
