/**
 * `@onnx-mobilenet/cli`: the `onnx-mobilenet` command line (`classify`, `eval`, `train`, `prune-binaries`)
 * on the Node adapter. `onnx-mobilenet` depends on it, so `npx onnx-mobilenet classify cat.jpg`
 * works after installing `onnx-mobilenet`; {@link runCli} runs it in-process (tests, embedding),
 * and {@link pruneBinaries} is the deploy step behind `prune-binaries`.
 *
 * @module @onnx-mobilenet/cli
 * @group API reference
 */
export { runCli } from './cli-main.js';
export { createClassifierPool, defaultWorkers, type ClassifierPool, type PoolClassifierOptions } from './classifier-pool.js';
export { bestWorkers, libuvThreads, predictThroughput, STAGE_COSTS, WORKERS_SLACK, type ScalingPrediction, type StageCosts } from './scaling-model.js';
export { cliVersion } from './cli-version.js';
export { main } from './main.js';
export type { CliIO } from './cli-args.js';
export { pruneBinaries, type PruneOptions, type PruneResult, type PrunedFolder, type PruneTarget } from './prune-binaries.js';
