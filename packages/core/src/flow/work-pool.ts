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
type Next<T, R> = IteratorResult<Outcome<T, R>, undefined>;

/** A running pool: its outcomes as an async iterator (one `next()` at a time), and `values()`. */
export interface WorkPool<T, R> extends AsyncIterableIterator<Outcome<T, R>, undefined> {
  /** The next outcome to settle; lets go of the one handed out before (see `window`). */
  next(): Promise<Next<T, R>>;
  /** Stops the pulling, waits for the running items to settle (unaborted), and closes the source. */
  return(): Promise<Next<T, R>>;
  /** Every item's value, in source order; rejects with the first failure (the mode `fail-fast` call). */
  values(): Promise<R[]>;
}

/**
 * A bounded window of work over an array, iterable or async iterable, handing out each item's
 * outcome as it settles (completion order; `index` gives the source order). Items are pulled one
 * at a time, only while the window and the phase cap have room: an array's first items start
 * before `workPool` returns, and a source that yields the newest of several waiting values (video
 * frames) is asked only when there is room for one. The first failure (`fail-fast`) or the
 * caller's signal stops it; `return()` (a consumer leaving early) stops the pulling, waits for the
 * running items to settle and closes the source. (A closure rather than a class: its names
 * minify, and the web adapter's entry has a byte budget.)
 *
 * @example
 * ```ts
 * const pool = workPool(files, (file, { signal }) => classify(file, { signal }), { window: 16, mode: 'collect' });
 * for await (const o of pool) console.log(o.item, o.ok ? o.value : o.error);
 * ```
 */
export function workPool<T, R>(source: readonly T[] | Iterable<T> | AsyncIterable<T>, task: Task<T, R>, options: WorkPoolOptions): WorkPool<T, R> {
  const { window, signal, mode, release } = options;
  const phaseCap = Math.min(options.phaseCap ?? window, window);
  const array = Array.isArray(source) ? (source as readonly T[]) : undefined;
  const asyncSource = (source as AsyncIterable<T>)[Symbol.asyncIterator];
  const iterator: Iterator<T> | AsyncIterator<T> = typeof asyncSource === 'function' ? asyncSource.call(source) : (source as Iterable<T>)[Symbol.iterator]();
  // A signal of its own for each item, when something besides one caller's signal may abort it (a
  // failure, or several items under one signal: a decoder's fetch listens to its signal, and 64
  // listeners on one made Node warn of a leak). Otherwise the caller's signal itself: one image
  // needs no more (an AbortController per call cost single calls ~0.1 ms).
  const ownSignals = Math.min(window, array?.length ?? Number.POSITIVE_INFINITY) > 1 && (signal !== undefined || mode === 'fail-fast');
  /** Running items: their controllers (when they have their own) and their settling. */
  const running = new Map<number, { controller: AbortController | undefined; settled: Promise<void> }>();
  /** Settled outcomes waiting for the consumer. */
  const ready: Outcome<T, R>[] = [];
  let pulled = 0;
  let inPhase = 0;
  /** The last outcome handed out, held in the window until the consumer asks for the next. */
  let handedOut = false;
  let pulling: Promise<void> | null = null;
  let filling = false;
  let exhausted = false;
  /** Why the pool stopped: the first failure (`fail-fast`), the caller's abort, or the source's error. */
  let stopped: { reason: unknown } | null = null;
  /** Set by `return()`: the consumer left. */
  let closed = false;
  let listening = false;
  let waiter: { resolve: (step: Next<T, R>) => void; reject: (err: unknown) => void } | null = null;

  const onAbort = () => stop(signal?.reason, true);
  const stopListening = () => {
    if (listening) signal?.removeEventListener('abort', onAbort);
    listening = false;
  };

  /** Answers a waiting `next()`, if it can be answered yet. */
  const answer = () => {
    const w = waiter;
    if (!w) return;
    if (stopped) {
      waiter = null;
      w.reject(stopped.reason);
    } else if (ready.length > 0) {
      waiter = null;
      handedOut = true;
      w.resolve({ done: false, value: ready.shift()! }); // length checked
    } else if (closed || (exhausted && running.size === 0 && !pulling)) {
      waiter = null;
      stopListening();
      w.resolve({ done: true, value: undefined });
    }
  };

  /** Stops the pool for good with `reason`: nothing more is pulled, and `next()` rejects with it. */
  const stop = (reason: unknown, abortRunning: boolean) => {
    if (stopped || closed) return;
    stopped = { reason };
    leave();
    if (abortRunning) for (const r of running.values()) r.controller?.abort(reason);
    answer();
  };

  /** What stopping and closing share: no more listening, no outcome kept, never-started items released. */
  const leave = () => {
    stopListening();
    ready.length = 0;
    if (array && release) for (let i = pulled; i < array.length; i++) release(i);
    pulled = array?.length ?? pulled; // released once
  };

  /** A source that throws stops the pool (`return()` still closes it); running items are aborted only in `fail-fast`. */
  const sourceFailed = (err: unknown) => stop(err, mode === 'fail-fast');

  const start = (item: T) => {
    const index = pulled++;
    inPhase++;
    const controller = ownSignals ? new AbortController() : undefined;
    let mine = true;
    const leavePhase = () => {
      if (mine) inPhase--;
      mine = false;
    };
    const entry = { controller, settled: Promise.resolve() };
    running.set(index, entry); // before the task runs: one that ends its phase at once starts the next within the window
    let work: Promise<R>;
    try {
      work = task(item, {
        index,
        signal: controller?.signal ?? signal,
        endPhase: () => {
          leavePhase();
          fill();
        },
      });
    } catch (err) {
      work = Promise.reject(err);
    }
    const settle = (outcome: Outcome<T, R>) => {
      running.delete(index);
      leavePhase();
      release?.(index);
      if (!outcome.ok && mode === 'fail-fast') stop(outcome.error, true);
      else if (!stopped && !closed) ready.push(outcome); // else nobody takes it
      fill();
      answer();
    };
    entry.settled = work.then(
      (value) => settle({ index, item, ok: true, value }),
      (error: unknown) => settle({ index, item, ok: false, error }),
    );
  };

  const accept = (step: Step<T>) => {
    if (step.done) exhausted = true;
    else if (!stopped && !closed) start(step.value); // a value pulled as the pool stopped is never started
  };

  /** Starts items while there is room (running, waiting and handed out count); an async source is pulled one value at a time. */
  const fill = (): void => {
    if (filling) return; // called from a task that ended its phase at once: the loop below goes on
    filling = true;
    try {
      while (!stopped && !closed && !exhausted && !pulling && running.size + ready.length + (handedOut ? 1 : 0) < window && inPhase < phaseCap) {
        let step: Step<T> | Promise<Step<T>>;
        try {
          step = iterator.next();
        } catch (err) {
          sourceFailed(err);
          return;
        }
        if (typeof (step as { then?: unknown }).then !== 'function') {
          accept(step as Step<T>);
          continue;
        }
        pulling = Promise.resolve(step).then(
          (s) => {
            pulling = null;
            accept(s);
            fill();
          },
          (err: unknown) => {
            pulling = null;
            sourceFailed(err);
          },
        );
        return;
      }
    } finally {
      filling = false;
    }
    answer();
  };

  const pool: WorkPool<T, R> = {
    [Symbol.asyncIterator]: () => pool,
    next: () => {
      if (handedOut) {
        handedOut = false;
        fill();
      }
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
        answer();
      });
    },
    return: async () => {
      if (!closed) {
        closed = true;
        leave();
        answer();
        await pulling;
        await Promise.all([...running.values()].map((r) => r.settled));
        if (!exhausted) await iterator.return?.();
      }
      return { done: true, value: undefined };
    },
    values: async () => {
      const values: R[] = [];
      for (let step = await pool.next(); !step.done; step = await pool.next()) {
        const o = step.value;
        if (!o.ok) throw o.error;
        values[o.index] = o.value;
      }
      return values;
    },
  };

  if (signal?.aborted) stop(signal.reason, true);
  else {
    signal?.addEventListener('abort', onAbort, { once: true });
    listening = signal !== undefined;
    fill();
  }
  return pool;
}
