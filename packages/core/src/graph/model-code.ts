/**
 * The model checks and graph rewrites, loaded lazily (one chunk, apart from the entry of a web
 * app) when a model loads. One lazy module, not one per file, and none of them imports the shared
 * defaults: Parcel 2 breaks a module Worker whose lazy bundles share modules with each other or
 * with the worker's entry (docs/guides/bundlers.md#parcel-2).
 */
export { hasQuantizedOpsInBytes } from './dequantize.js';
export { checkModelBytes } from './external-data.js';
export { rewriteGraph } from './graph-rewrite.js';
export { readModelFacts } from './model-facts.js';
export { exportHeadModel } from './head-graph.js';
