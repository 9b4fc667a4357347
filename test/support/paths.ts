import { registry } from '../../src/metrics.js';

/** How many deliveries the coalesced repeat or open path has answered so far with this result (applied, fallback, failed). */
export async function pathCount(path: 'open' | 'repeat', result: string): Promise<number> {
  const metric = await registry.getSingleMetric(`klaxon_${path}_path_deliveries_total`)!.get();
  return metric.values.find((v) => v.labels.result === result)?.value ?? 0;
}
