import v8 from 'node:v8';

/**
 * How far the heap may grow past what the last full collection kept, before the next one
 * (KLAXON_HEAP_GROWTH_PERCENT). V8 otherwise picks a factor of up to 4× when collections are
 * cheap: under an alert storm, each request's objects outlive a few young collections while its
 * batch waits on PostgreSQL, reach the old space, and the heap grew past 240 MB to keep 100 MB
 * alive. At 50%, the server's peak RSS stayed under 200 MB at the same throughput
 * (docs/benchmarks.md). No hard ceiling: a larger live set still gets the memory it needs.
 * The flag is read at each collection, so setting it at start-up takes effect.
 */
export function tuneHeap(growthPercent: number): void {
  if (growthPercent > 0) v8.setFlagsFromString(`--heap-growing-percent=${growthPercent}`);
}
