/** One item's outcome as the pool hands it out: its value, or (mode `collect`) the error it failed with. */
export type Outcome<T, R> = { index: number; item: T; ok: true; value: R } | { index: number; item: T; ok: false; error: unknown };

/** What a task gets besides its item. */
export interface ItemContext {
  /** Position of the item in the source, from 0. */
  index: number;
  /**
   * Aborted by the caller's signal and, in mode `fail-fast`, by the first failure (with it as the
   * reason). Where one item at most can run at once, the caller's own signal.
   */
  signal: AbortSignal | undefined;
  /** Ends the item's first phase (see `phaseCap`), freeing its place there; settling ends it too. Twice is harmless. */
  endPhase: () => void;
}

export interface WorkPoolOptions {
  /**
   * Items pulled from the source and not yet let go: running, settled and waiting for the
   * consumer, or handed to it and held until it asks for the next. So a consumer that stops
   * asking stops the pulling too.
   */
  window: number;
  /** Items started and not yet past their first phase (`endPhase()`): decodes, say. Default: the window. */
  phaseCap?: number | undefined;
  /**
   * The caller's signal, listened to once: when it aborts, nothing more is pulled, the running
   * items' signals abort with its reason, and `next()` rejects with it.
   */
  signal?: AbortSignal | undefined;
  /**
   * `fail-fast`: the first failure aborts the running items (their signals, with it as reason),
   * nothing more is pulled, and `next()` rejects with it at once. `collect`: every item's outcome
   * is handed out, failures included; only the caller's signal or the source stops the pool.
   */
  mode: 'fail-fast' | 'collect';
  /**
   * Gives back what an item holds (buffers, counted bytes): once per item as it settles, and, for
   * an array source, once per item never started, as the pool stops.
   */
  release?: ((index: number) => void) | undefined;
}

type Task<T, R> = (item: T, at: ItemContext) => Promise<R>;
type Step<T> = IteratorResult<T, unknown>;

/**
 * A bounded window of work over an array, iterable or async iterable, handing out each item's
 * outcome as it settles (completion order; `index` gives the source order). Items are pulled one
 * at a time, only while the window and the phase cap have room: an array's first items start
 * before the constructor returns, and a source that yields the newest of several waiting values
 * (video frames) is asked only when there is room for one. The first failure (`fail-fast`) or the
 * caller's signal stops it; `return()` (a consumer leaving early) stops the pulling, waits for the
 * running items to settle and closes the source.
 *
 * @example
 * ```ts
 * const pool = new WorkPool(files, (file, { signal }) => classify(file, { signal }), { window: 16, mode: 'collect' });
 * for await (const o of pool) console.log(o.item, o.ok ? o.value : o.error);
 * ```
 */
export class WorkPool<T, R> implements AsyncIterableIterator<Outcome<T, R>> {
  private readonly iterator: Iterator<T> | AsyncIterator<T>;
  private readonly array: readonly T[] | undefined;
  private readonly window: number;
  private readonly phaseCap: number;
  /**
   * A signal of its own for each item, when something besides one caller's signal may abort it
   * (a failure, or several items under one signal: a decoder's fetch listens to its signal, and
   * 64 listeners on one made Node warn of a leak). Otherwise the caller's signal itself: one
   * image needs no more (an AbortController per call cost single calls ~0.1 ms).
   */
  private readonly ownSignals: boolean;
  private pulled = 0;
  private inPhase = 0;
  /** The last outcome handed out, held in the window until the consumer asks for the next. */
  private handedOut = false;
  /** Running items: their controllers (when they have their own) and their settling. */
  private readonly running = new Map<number, { controller: AbortController | undefined; settled: Promise<void> }>();
  /** Settled outcomes waiting for the consumer. */
  private readonly ready: Outcome<T, R>[] = [];
  private pulling: Promise<void> | null = null;
  private filling = false;
  private exhausted = false;
  /** Why the pool stopped: the first failure (`fail-fast`), the caller's abort, or the source's error. */
  private stopped: { reason: unknown } | null = null;
  /** Set by `return()`: the consumer left. */
  private closed = false;
  private unstartedReleased = false;
  private listening = false;
  private waiter: { resolve: (step: IteratorResult<Outcome<T, R>, undefined>) => void; reject: (err: unknown) => void } | null = null;
  private readonly onAbort = () => this.stop(this.options.signal?.reason, true);

  constructor(
    source: readonly T[] | Iterable<T> | AsyncIterable<T>,
    private readonly task: Task<T, R>,
    private readonly options: WorkPoolOptions,
  ) {
    this.array = Array.isArray(source) ? (source as readonly T[]) : undefined;
    const asyncSource = (source as AsyncIterable<T>)[Symbol.asyncIterator];
    this.iterator = typeof asyncSource === 'function' ? asyncSource.call(source) : (source as Iterable<T>)[Symbol.iterator]();
    this.window = options.window;
    this.phaseCap = Math.min(options.phaseCap ?? options.window, options.window);
    const most = Math.min(this.window, this.array?.length ?? Number.POSITIVE_INFINITY);
    this.ownSignals = most > 1 && (options.signal !== undefined || options.mode === 'fail-fast');
    const { signal } = options;
    if (signal?.aborted) {
      this.stop(signal.reason, true);
      return;
    }
    signal?.addEventListener('abort', this.onAbort, { once: true });
    this.listening = signal !== undefined;
    this.fill();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next outcome to settle; lets go of the one handed out before (see `window`). One call at a time. */
  next(): Promise<IteratorResult<Outcome<T, R>, undefined>> {
    if (this.handedOut) {
      this.handedOut = false;
      this.fill();
    }
    if (this.waiter) return Promise.reject(new Error('WorkPool.next() called while a call to it is pending'));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.answer();
    });
  }

  /** Stops the pulling, waits for the running items to settle (unaborted), and closes the source. */
  async return(): Promise<IteratorResult<Outcome<T, R>, undefined>> {
    if (!this.closed) {
      this.closed = true;
      this.ready.length = 0;
      this.stopListening();
      this.releaseUnstarted();
      this.answer();
      await this.pulling;
      await Promise.all([...this.running.values()].map((r) => r.settled));
      if (!this.exhausted) await this.iterator.return?.();
    }
    return { done: true, value: undefined };
  }

  /** Every item's value, in source order; rejects with the first failure (the mode `fail-fast` call). */
  async values(): Promise<R[]> {
    const values: R[] = new Array(this.array?.length ?? 0);
    for (let step = await this.next(); !step.done; step = await this.next()) {
      const o = step.value;
      if (!o.ok) throw o.error;
      values[o.index] = o.value;
    }
    return values;
  }

  /** Starts items while there is room; an async source is pulled one value at a time. */
  private fill(): void {
    if (this.filling) return; // called from a task that ended its phase at once: the loop below goes on
    this.filling = true;
    try {
      while (!this.stopped && !this.closed && !this.exhausted && !this.pulling && this.inWindow() < this.window && this.inPhase < this.phaseCap) {
        let step: Step<T> | Promise<Step<T>>;
        try {
          step = this.iterator.next();
        } catch (err) {
          this.sourceFailed(err);
          return;
        }
        if (typeof (step as { then?: unknown }).then === 'function') {
          this.pulling = Promise.resolve(step).then(
            (s) => {
              this.pulling = null;
              this.accept(s);
              this.fill();
              this.answer();
            },
            (err: unknown) => {
              this.pulling = null;
              this.sourceFailed(err);
            },
          );
          return;
        }
        this.accept(step as Step<T>);
      }
    } finally {
      this.filling = false;
    }
    this.answer();
  }

  private accept(step: Step<T>): void {
    if (step.done) this.exhausted = true;
    else if (!this.stopped && !this.closed) this.start(step.value); // a value pulled as the pool stopped is never started
  }

  private start(item: T): void {
    const index = this.pulled++;
    this.inPhase++;
    const controller = this.ownSignals ? new AbortController() : undefined;
    let inPhase = true;
    const leavePhase = () => {
      if (inPhase) this.inPhase--;
      inPhase = false;
    };
    const endPhase = () => {
      leavePhase();
      this.fill();
    };
    const entry = { controller, settled: Promise.resolve() };
    this.running.set(index, entry); // before the task runs: one that ends its phase at once starts the next within the window
    let work: Promise<R>;
    try {
      work = this.task(item, { index, signal: controller?.signal ?? this.options.signal, endPhase });
    } catch (err) {
      work = Promise.reject(err);
    }
    const settle = (outcome: Outcome<T, R>) => {
      this.running.delete(index);
      leavePhase();
      this.options.release?.(index);
      if (!outcome.ok && this.options.mode === 'fail-fast') this.stop(outcome.error, true);
      else if (!this.stopped && !this.closed) this.ready.push(outcome); // else nobody takes it
      this.fill();
      this.answer();
    };
    entry.settled = work.then(
      (value) => settle({ index, item, ok: true, value }),
      (error: unknown) => settle({ index, item, ok: false, error }),
    );
  }

  /** A source that throws stops the pool (`return()` still closes it); running items are aborted only in `fail-fast`. */
  private sourceFailed(err: unknown): void {
    this.stop(err, this.options.mode === 'fail-fast');
  }

  /** Stops the pool for good with `reason`: nothing more is pulled, and `next()` rejects with it. */
  private stop(reason: unknown, abortRunning: boolean): void {
    if (this.stopped || this.closed) return;
    this.stopped = { reason };
    this.stopListening();
    this.ready.length = 0;
    if (abortRunning) for (const r of this.running.values()) r.controller?.abort(reason);
    this.releaseUnstarted();
    this.answer();
  }

  private stopListening(): void {
    if (this.listening) this.options.signal?.removeEventListener('abort', this.onAbort);
    this.listening = false;
  }

  /** Items in the window (see `window`): running, settled and waiting, and the one handed out. */
  private inWindow(): number {
    return this.running.size + this.ready.length + (this.handedOut ? 1 : 0);
  }

  private releaseUnstarted(): void {
    if (this.unstartedReleased || !this.array || !this.options.release) return;
    this.unstartedReleased = true;
    for (let i = this.pulled; i < this.array.length; i++) this.options.release(i);
  }

  /** Answers a waiting `next()`, if it can be answered yet. */
  private answer(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    let step: IteratorResult<Outcome<T, R>, undefined> | undefined;
    if (this.stopped) {
      this.waiter = null;
      waiter.reject(this.stopped.reason);
      return;
    }
    if (this.ready.length > 0) {
      this.handedOut = true;
      step = { done: false, value: this.ready.shift()! }; // length checked
    } else if (this.closed || (this.exhausted && this.running.size === 0 && !this.pulling)) {
      this.stopListening();
      step = { done: true, value: undefined };
    }
    if (step) {
      this.waiter = null;
      waiter.resolve(step);
    }
  }
}
