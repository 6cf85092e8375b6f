// The throughput model behind the CLI's default --workers (docs/guides/performance.md (Scaling with cores)).
import { OnnxMobilenetError } from '@onnx-mobilenet/node';

/**
 * The measured per-photo costs the scaling model starts from (`pnpm bench:node`,
 * bench/scaling-bench.mjs; 500×375 JPEGs, int8 model, session runs of 8 photos).
 */
export interface StageCosts {
  /** Read + decode + resize + crop, CPU ms/photo: one libuv thread a photo (sharp runs libvips on one thread per image here). */
  decode: number;
  /** The classifier's JS thread besides `session.run`: normalise and top-k, CPU ms/photo. */
  main: number;
  /** `session.run` with 1 intra-op thread, CPU ms/photo (its wall time on a free core). */
  run1: number;
  /**
   * The share of a run's work that does not split over intra-op threads: with 2 threads that sleep
   * when idle, (CPU of the calling thread − CPU of the other) / (their sum). Measured from each
   * thread's CPU time, which other processes on the machine do not inflate as they do wall time.
   */
  serial: number;
  /** `session.run` with 2 threads: its CPU ms/photo divided by `run1` (threads waiting, spinning, handing off). */
  cpuRatio2: number;
  /** What a pool of workers adds, CPU ms/photo: a task handed to a worker thread and back, a classify call a file. */
  poolTask: number;
}

/**
 * Stage costs measured by bench/scaling-bench.mjs on an AMD EPYC (avx512_vnni, 2 cores of a
 * shared machine, in a quiet spell: its 2-thread walls measured 1.77× where the split predicts
 * 1.79×), 2026-12-05 13:41 UTC, onnxruntime-node 1.30, sharp 0.35.6 (libvips on one thread per
 * image), int8 MobileNetV2, 500×375 JPEGs read from files. Ratios matter here, not the absolute
 * times, which vary between machines and runs. Frozen: the CLI's default depends on them.
 *
 * @example
 * ```ts
 * import { STAGE_COSTS } from '@onnx-mobilenet/cli';
 * STAGE_COSTS.decode / STAGE_COSTS.run1; // decoding a photo against running it, in CPU
 * ```
 */
export const STAGE_COSTS: Readonly<StageCosts> = Object.freeze({
  decode: 3.879,
  main: 0.4766,
  run1: 3.319,
  serial: 0.0709,
  cpuRatio2: 1.0438,
  poolTask: 0.5992,
});

/** Cores the model considers at most (libuv's pool and onnxruntime's thread limits are 1024). */
const MAX_CORES = 1024;

/**
 * libuv's thread pool, where sharp decodes: `UV_THREADPOOL_SIZE`, else libuv's 4. One pool per
 * process, shared by its worker threads, sized when Node starts (set it in the environment).
 *
 * @example
 * ```ts
 * import { libuvThreads } from '@onnx-mobilenet/cli';
 * libuvThreads({ UV_THREADPOOL_SIZE: '16' }); // 16
 * ```
 */
export function libuvThreads(env: Record<string, string | undefined> = process.env): number {
  // own variables only (a polluted Object.prototype shows through process.env); set but empty counts, as for libuv
  const value = Object.hasOwn(env, 'UV_THREADPOOL_SIZE') ? env.UV_THREADPOOL_SIZE : undefined;
  if (value === undefined) return 4;
  // read as libuv reads it: atoi (leading digits; none is 0), 0 → 1, and an unsigned count capped
  // at 1024 (a negative one wraps to a huge count)
  const digits = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(value)?.[1];
  const n = digits === undefined ? 0 : Number(digits);
  if (n === 0) return 1;
  return n < 0 ? MAX_CORES : Math.min(n, MAX_CORES);
}

/** One layout's predicted throughput and the bound that sets it. */
export interface ScalingPrediction {
  cores: number;
  workers: number;
  threads: number;
  msPerPhoto: number;
  photosPerSecond: number;
  /** `cpu`: all cores busy; `session`: each worker's JS thread, which runs its session's runs and its normalising in turn; `decode`: libuv's pool. */
  bound: 'cpu' | 'session' | 'decode';
}

/**
 * Predicted throughput of `workers` classifiers (sessions of `threads` intra-op threads, default
 * the cores shared out) on `cores` cores, from measured stage costs. With t threads a run costs
 * `C(t) = run1 · (1 + b · (t − 1))` CPU ms/photo (b = cpuRatio2 − 1: each thread adds its waits
 * and hand-offs) and takes `W(t) = C(t) · (s + (1 − s) / t)` wall ms/photo (Amdahl on that CPU,
 * s the serial share). A photo then takes the longest of: all CPU spread over the cores,
 * `(decode + main + C(t) + poolTask) / cores` (poolTask with more than one worker: the CLI runs one
 * worker without a pool); each worker's JS thread, `(W(t) + main) / workers`
 * (onnxruntime-node runs a session on the calling thread, between its normalising); the decodes on
 * libuv's pool, `decode / min(decodeThreads, cores)` (`decodeThreads` defaults to this process's
 * libuv pool, {@link libuvThreads} of `process.env`). Counts must be whole numbers of at least 1
 * (`E_INPUT`).
 *
 * @example
 * ```ts
 * import { predictThroughput, STAGE_COSTS } from '@onnx-mobilenet/cli';
 * predictThroughput(STAGE_COSTS, { cores: 16, workers: 4 }).photosPerSecond;
 * ```
 */
export function predictThroughput(
  costs: StageCosts,
  o: { cores: number; workers: number; threads?: number | undefined; decodeThreads?: number | undefined },
): ScalingPrediction {
  const { cores, workers } = o;
  for (const [name, value] of [
    ['cores', cores],
    ['workers', workers],
    ['threads', o.threads ?? 1],
    ['decodeThreads', o.decodeThreads ?? 1],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 1))
      throw new OnnxMobilenetError('E_INPUT', `predictThroughput: ${name} must be a whole number of at least 1, got ${String(value)}`);
  }
  const threads = o.threads ?? Math.max(1, Math.floor(cores / workers));
  const s = Math.min(1, Math.max(0, costs.serial));
  const cpu = costs.run1 * (1 + Math.max(0, costs.cpuRatio2 - 1) * (threads - 1));
  const wall = cpu * (s + (1 - s) / threads);
  const bounds = {
    cpu: (costs.decode + costs.main + cpu + (workers > 1 ? costs.poolTask : 0)) / cores,
    session: (wall + costs.main) / workers,
    decode: costs.decode / Math.min(o.decodeThreads ?? libuvThreads(), cores),
  };
  const bound = (Object.keys(bounds) as (keyof typeof bounds)[]).reduce((a, k) => (bounds[k] > bounds[a] ? k : a));
  return { cores, workers, threads, msPerPhoto: bounds[bound], photosPerSecond: 1000 / bounds[bound], bound };
}

/**
 * Within this share of the best, fewer workers win: each is one more session in memory and one more model load.
 *
 * @example
 * ```ts
 * import { WORKERS_SLACK } from '@onnx-mobilenet/cli';
 * WORKERS_SLACK; // 0.05
 * ```
 */
export const WORKERS_SLACK = 0.05;

/**
 * The fewest workers (each with the cores shared out) whose predicted throughput on `cores` cores
 * is within {@link WORKERS_SLACK} of the best any worker count reaches. Decodes are counted on
 * `decodeThreads` threads, by default one per core: libuv's pool bounds every worker count alike
 * (its 4 threads cap the CLI from about 8-16 cores on, whatever the workers), so the workers are
 * chosen for the bounds they change, and are right as they are once `UV_THREADPOOL_SIZE` is raised.
 *
 * @example
 * ```ts
 * import { bestWorkers, STAGE_COSTS } from '@onnx-mobilenet/cli';
 * bestWorkers(32, STAGE_COSTS); // workers for 32 cores
 * ```
 */
export function bestWorkers(cores: number, costs: StageCosts = STAGE_COSTS, decodeThreads?: number): number {
  // a count that is not one (NaN, 0, Infinity) is read as 1 core; more than 1024 as 1024
  const n = Number.isFinite(cores) && cores >= 1 ? Math.min(Math.floor(cores), MAX_CORES) : 1;
  const threads = decodeThreads !== undefined && Number.isFinite(decodeThreads) && decodeThreads >= 1 ? Math.floor(decodeThreads) : n;
  const ms = Array.from({ length: n }, (_, i) => predictThroughput(costs, { cores: n, workers: i + 1, decodeThreads: threads }).msPerPhoto);
  let best = Number.POSITIVE_INFINITY;
  for (const x of ms) best = Math.min(best, x);
  return ms.findIndex((x) => x <= best * (1 + WORKERS_SLACK)) + 1;
}
