/**
 * Peak resident memory of this process (Klaxon, the ceilings' idle servers and the bench's own
 * bookkeeping; the load generator is a child process and not included), sampled every ~200 ms.
 */
export interface RssSampler {
  /** RSS when sampling started, in bytes (what earlier work left behind). */
  start: number;
  /** Stops sampling; the peak RSS seen, in bytes. */
  stop(): number;
}

export function sampleRss(intervalMs = 200): RssSampler {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  return {
    start,
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak;
    },
  };
}
