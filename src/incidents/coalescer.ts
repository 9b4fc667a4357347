/**
 * Single-flight batching, per key: items submitted while earlier batches run wait, and are run
 * together in a later batch. A batch never takes an item whose keys (its alert groups) a running
 * batch holds, so two batches never contend for the same rows; items sharing keys go together.
 * With nothing running, an item starts at once (alone), so an idle server adds no delay; under
 * load, each batch carries what arrived while the last ran. `run` answers one result per item, in
 * order; if it throws, every item of that batch gets the error.
 */
export class Coalescer<T, R> {
  private queue: { item: T; keys: string[]; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private readonly held = new Set<string>();
  private inFlight = 0;

  constructor(
    private readonly run: (batch: T[]) => Promise<R[]>,
    private readonly options: {
      maxInFlight: number;
      /** How much one batch may carry, by `weight` (a batch takes at least one item). */
      maxBatch: number;
      keys: (item: T) => string[];
      weight?: (item: T) => number;
    },
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, keys: this.options.keys(item), resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      if (batch.length === 0) return; // everything queued waits for a running batch's keys
      const keys = new Set(batch.flatMap((b) => b.keys));
      for (const key of keys) this.held.add(key);
      this.inFlight++;
      this.run(batch.map((b) => b.item))
        .then(
          (results) => {
            for (const [i, b] of batch.entries()) b.resolve(results[i]!);
          },
          (err: unknown) => {
            for (const b of batch) b.reject(err);
          },
        )
        .finally(() => {
          for (const key of keys) this.held.delete(key);
          this.inFlight--;
          this.next();
        });
    }
  }

  /** The oldest queued items (up to maxBatch in weight) none of whose keys a running batch holds. */
  private take() {
    const batch: typeof this.queue = [];
    const rest: typeof this.queue = [];
    const weight = this.options.weight ?? (() => 1);
    let carried = 0;
    for (const q of this.queue) {
      const w = weight(q.item);
      const fits = batch.length === 0 || carried + w <= this.options.maxBatch;
      if (fits && !q.keys.some((k) => this.held.has(k))) {
        batch.push(q);
        carried += w;
      } else rest.push(q);
    }
    this.queue = rest;
    return batch;
  }
}

/** Where a coalescer reports a batch that failed (the app's logger). */
export interface BatchLog {
  warn(obj: object, msg: string): void;
}

/**
 * One coalescer per database (per pool: a test's second app instance has its own), made on first
 * use. `apply` writes a batch; when it throws (a deadlock, a lost connection, a bug) the failure is
 * logged once for the batch and every item gets 'failed': the caller sends it down the full path.
 */
export function coalescerPerDatabase<D extends object, T, R>(
  path: string,
  apply: (db: D, batch: T[]) => Promise<R[]>,
  options: ConstructorParameters<typeof Coalescer<T, R | 'failed'>>[1],
): (db: D, log: BatchLog) => Coalescer<T, R | 'failed'> {
  const coalescers = new WeakMap<D, Coalescer<T, R | 'failed'>>();
  return (db, log) => {
    let coalescer = coalescers.get(db);
    if (!coalescer) {
      const run = (batch: T[]) =>
        apply(db, batch).catch((err: unknown) => {
          log.warn({ err, path, deliveries: batch.length }, 'coalesced batch failed: the full path answers its deliveries');
          return batch.map(() => 'failed' as const);
        });
      coalescer = new Coalescer<T, R | 'failed'>(run, options);
      coalescers.set(db, coalescer);
    }
    return coalescer;
  };
}
