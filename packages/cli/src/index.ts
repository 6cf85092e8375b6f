/**
 * `@onnx-mobilenet/cli`: the `onnx-mobilenet` command line (`classify`, `eval`) on the Node
 * adapter. `onnx-mobilenet` depends on it, so `npx onnx-mobilenet classify cat.jpg` works after
 * installing `onnx-mobilenet`; {@link runCli} runs it in-process (tests, embedding).
 *
 * @packageDocumentation
 */
export { runCli } from './cli-main.js';
export { createClassifierPool, defaultWorkers, type ClassifierPool, type PoolClassifierOptions } from './classifier-pool.js';
export { cliVersion } from './cli-version.js';
export { main } from './main.js';
export type { CliIO } from './cli-args.js';
