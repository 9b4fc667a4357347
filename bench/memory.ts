/**
 * Peak resident memory of this process (Klaxon, the ceilings' idle servers and the bench's own
 * bookkeeping; the load generator is a child process and not included), sampled every ~200 ms.
 */
export interface RssSampler {
  /** Stops sampling; the peak RSS seen, in bytes. */
  stop(): number;
}

export function sampleRss(intervalMs = 200): RssSampler {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak;
    },
  };
}
