/**
 * The open path's orchestration: a delivery of new firing alerts (opens.ts, mayOpen) goes to this
 * database's coalescer, which applies it with the other new deliveries in flight in one
 * transaction (open-store.ts). A delivery the transaction leaves out, or one whose transaction
 * failed, goes down the full path (deliveries.ts).
 */
import type { Db } from '../db/client.js';
import type { AdapterResult } from '../ingest/types.js';
import { alertsIngested, openPath } from '../metrics.js';
import { type BatchLog, coalescerPerDatabase } from './coalescer.js';
import type { DeliveryInput, DeliveryResult } from './deliveries.js';
import type { PreparedAlert } from './incident-store.js';
import { applyOpens } from './open-store.js';
import type { OpenDelivery } from './opens.js';
import { alertMemory, learned } from './repeats.js';

/**
 * Up to 2 transactions at once (of the pool's connections), on disjoint groups, each carrying
 * deliveries of up to 2,000 alerts in all. 3 or 4 at once measured no faster (docs/benchmarks.md).
 */
const coalescerFor = coalescerPerDatabase('open', applyOpens, {
  maxInFlight: 2,
  maxBatch: 2_000,
  // Its groups, and its alerts: Alertmanager may send one alert under two groups (a route with
  // `continue`), and two batches inserting it at once would fail one of them.
  keys: (d: OpenDelivery) => [
    ...new Set(d.alerts.flatMap((a) => [`${d.input.integration.id}\u0000${a.groupKey}`, `${d.input.integration.id}\u0001${a.identity}`])),
  ],
  weight: (d) => d.alerts.length,
});

/** Opens the delivery's incidents with the other new deliveries in flight; null sends it down the full path. */
export async function tryOpen(
  db: Db,
  input: DeliveryInput,
  result: AdapterResult,
  alerts: PreparedAlert[],
  keyHash: string,
  log: BatchLog,
): Promise<DeliveryResult | null> {
  const opened = await coalescerFor(db, log).submit({
    input,
    keyHash,
    alerts,
    truncatedAlerts: result.truncatedAlerts,
    ...(result.note ? { note: result.note } : {}),
  });
  if (opened === 'failed' || opened === null) {
    openPath.inc({ result: opened ?? 'fallback' });
    return null;
  }
  openPath.inc({ result: 'applied' });
  for (const alert of opened.alerts) alertsIngested.inc({ source: input.source, outcome: alert.outcome });
  const memory = alertMemory(db);
  for (const [identity, known] of learned(alerts, opened.alerts)) memory.set(input.integration.id, identity, known);
  return opened;
}
