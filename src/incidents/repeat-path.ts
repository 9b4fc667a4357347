/**
 * The repeat path's orchestration: a delivery that only repeats what this process remembers
 * (repeats.ts decided it, pure) goes to this database's coalescer, which applies it with the other
 * repeats in flight in one guarded statement (repeat-store.ts). A repeat the statement refuses
 * goes down the full path (deliveries.ts).
 */
import type { Db } from '../db/client.js';
import type { AdapterResult } from '../ingest/types.js';
import { alertsIngested, repeatPath } from '../metrics.js';
import { type BatchLog, coalescerPerDatabase } from './coalescer.js';
import { type DeliveryInput, type DeliveryResult, deliveryRecord } from './deliveries.js';
import { applyRepeats, type RepeatDelivery } from './repeat-store.js';
import { alertMemory, type RepeatPlan } from './repeats.js';

/**
 * Up to 3 repeat statements at once (of the pool's connections), on disjoint groups, each carrying
 * deliveries of up to 5,000 alerts in all (a bound on the memory one statement's parameters take;
 * 1,000 measured 35% slower on 100-alert groups: fewer repeats of an alert fold into one row update).
 * A delivery's keys are its alert groups: batches running at once never touch the same rows.
 */
const coalescerFor = coalescerPerDatabase('repeat', applyRepeats, {
  maxInFlight: 3,
  maxBatch: 5_000,
  keys: (d: RepeatDelivery) => [...new Set(d.alerts.map((a) => `${d.integrationId}\u0000${a.expected.groupKey}`))],
  weight: (d) => d.alerts.length,
});

/**
 * Applies a planned repeat (fast-paths.ts planned it) with the other repeats in flight. Null when
 * the database no longer holds it as a repeat, or its statement failed: the full path answers it.
 */
export async function tryRepeat(
  db: Db,
  input: DeliveryInput,
  result: AdapterResult,
  plan: RepeatPlan,
  keyHash: string,
  log: BatchLog,
): Promise<DeliveryResult | null> {
  const integrationId = input.integration.id;
  const outcome = { alerts: plan.summaries, truncatedAlerts: result.truncatedAlerts, ...(result.note ? { note: result.note } : {}) };
  const deliveryId = await coalescerFor(db, log).submit({
    integrationId,
    keyHash,
    integrationVersion: input.integration.updatedAt,
    record: deliveryRecord(input, 200, outcome),
    alerts: plan.alerts,
  });
  if (deliveryId === 'failed') {
    repeatPath.inc({ result: 'failed' });
    return null;
  }
  if (deliveryId === null) {
    // What this process remembered no longer holds: forget it, the full path will teach it again.
    const memory = alertMemory(db);
    for (const { alert } of plan.alerts) memory.set(integrationId, alert.identity, undefined);
    repeatPath.inc({ result: 'fallback' });
    return null;
  }
  repeatPath.inc({ result: 'applied' });
  for (const alert of plan.summaries) alertsIngested.inc({ source: input.source, outcome: alert.outcome });
  return { deliveryId, integrationId, ...outcome };
}
