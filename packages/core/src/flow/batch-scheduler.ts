import { OnnxMobilenetError } from '../errors/errors.js';

interface Pending<T, I> {
  data: I;
  signal: AbortSignal | undefined;
  resolve: (output: T) => void;
  reject: (err: unknown) => void;
}

/**
 * Serialises session runs and batches what waits: images submitted while a run is in flight are
 * sent together (up to `maxBatch`) in the next one. This makes concurrent calls on one classifier
 * safe (onnxruntime-web rejects overlapping runs of a session) and turns concurrency into
 * batching instead of contention.
 */
export class BatchScheduler<T, I = Float32Array> {
  private readonly pending: Pending<T, I>[] = [];
  private running: Promise<void> | null = null;
  private closedWith: unknown = null;

  constructor(
    private readonly maxBatch: number,
    private readonly run: (inputs: I[]) => Promise<T[]>,
  ) {}

  /**
   * Queues images (each one model input) and resolves to their outputs, in order. Once `signal`
   * aborts, those of them still waiting leave the queue unrun and reject with its reason.
   */
  submit(inputs: readonly I[], signal?: AbortSignal): Promise<T[]> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const results = inputs.map((data) => new Promise<T>((resolve, reject) => this.pending.push({ data, signal, resolve, reject })));
    if (!this.running) this.running = this.drain();
    return Promise.all(results);
  }

  private async drain(): Promise<void> {
    // Let the calls of the current tick queue up first, so they share a batch.
    await Promise.resolve();
    try {
      while (this.pending.length > 0) {
        const batch: Pending<T, I>[] = [];
        while (batch.length < this.maxBatch && this.pending.length > 0) {
          const next = this.pending.shift()!;
          if (next.signal?.aborted) next.reject(next.signal.reason);
          else batch.push(next);
        }
        if (batch.length === 0) continue;
        try {
          const out = await this.run(batch.map((p) => p.data));
          if (out.length !== batch.length) throw new OnnxMobilenetError('E_INFERENCE', `a batch of ${batch.length} images gave ${out.length} outputs`);
          batch.forEach((p, i) => {
            p.resolve(out[i]!);
          });
        } catch (err) {
          batch.forEach((p) => {
            p.reject(err);
          });
        }
      }
    } finally {
      this.running = null;
    }
  }

  /**
   * Rejects everything still waiting with `reason`, refuses new work, and resolves once the run
   * in flight (if any) has finished, so the session can be released safely.
   */
  async close(reason: unknown): Promise<void> {
    this.closedWith = reason;
    for (const p of this.pending.splice(0)) p.reject(reason);
    await this.running;
  }
}
