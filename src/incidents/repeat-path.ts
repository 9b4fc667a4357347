/**
 * The repeat path's orchestration: decide (repeats.ts, pure) whether a webhook delivery only
 * repeats what this process remembers, and if so hand it to this database's coalescer, which
 * applies it with the other repeats in flight in one guarded statement (repeat-store.ts). Anything
 * else, or a repeat the statement refuses, goes down the full path (deliveries.ts).
 */
import type { Db } from '../db/client.js';
import type { AdapterSource } from '../ingest/index.js';
import type { AdapterResult } from '../ingest/types.js';
import { alertsIngested, repeatPath } from '../metrics.js';
import { Coalescer } from './coalescer.js';
import { type DeliveryInput, type DeliveryResult, decode, deliveryRecord } from './deliveries.js';
import { prepareAlerts } from './engine.js';
import { applyRepeats, type RepeatDelivery } from './repeat-store.js';
import { alertMemory, planRepeat } from './repeats.js';

/** A delivery id; null when the delivery no longer holds as a repeat; 'failed' when its statement failed. */
type Applied = number | null | 'failed';
const coalescers = new WeakMap<Db, Coalescer<RepeatDelivery, Applied>>();

/**
 * Up to 3 repeat statements at once (of the pool's connections), on disjoint groups, each carrying
 * deliveries of up to 5,000 alerts in all (a bound on the memory one statement's parameters take;
 * 1,000 measured 35% slower on 100-alert groups: fewer repeats of an alert fold into one row update).
 */
function coalescerFor(db: Db): Coalescer<RepeatDelivery, Applied> {
  let coalescer = coalescers.get(db);
  if (!coalescer) {
    const run = (batch: RepeatDelivery[]): Promise<Applied[]> =>
      // A deadlock with the full path, a lost connection: the full path answers each delivery.
      applyRepeats(db, batch).catch(() => batch.map(() => 'failed' as const));
    // A delivery's keys are its alert groups: batches running at once never touch the same rows.
    const keys = (d: RepeatDelivery) => [...new Set(d.alerts.map((a) => `${d.integrationId}\u0000${a.expected.groupKey}`))];
    coalescer = new Coalescer(run, { maxInFlight: 3, maxBatch: 5_000, keys, weight: (d) => d.alerts.length });
    coalescers.set(db, coalescer);
  }
  return coalescer;
}

/**
 * The repeat path (repeats.ts): a delivery that only repeats alerts already firing is applied by
 * one guarded statement, shared with the other repeats in flight (repeat-store.ts). `keyHash` is
 * the key the sender authenticated with; the statement re-checks it. Null when the delivery is not
 * a repeat, or no longer one in the database: it then takes the full path, which decodes again
 * (and answers a body it cannot decode).
 */
export async function tryRepeat(db: Db, input: DeliveryInput & { source: AdapterSource }, keyHash: string): Promise<DeliveryResult | null> {
  if (input.signature) return null;
  let result: AdapterResult;
  try {
    result = decode(input);
  } catch {
    return null;
  }
  if (result.actions?.length) return null;
  const memory = alertMemory(db);
  const integrationId = input.integration.id;
  const alerts = [...prepareAlerts(input.integration, result).values()];
  const plan = planRepeat(alerts, (identity) => memory.get(integrationId, identity));
  if (!plan) return null;
  const outcome = { alerts: plan.summaries, truncatedAlerts: result.truncatedAlerts, ...(result.note ? { note: result.note } : {}) };
  const deliveryId = await coalescerFor(db).submit({
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
    for (const { alert } of plan.alerts) memory.set(integrationId, alert.identity, undefined);
    repeatPath.inc({ result: 'fallback' });
    return null;
  }
  repeatPath.inc({ result: 'applied' });
  for (const alert of plan.summaries) alertsIngested.inc({ source: input.source, outcome: alert.outcome });
  return { deliveryId, integrationId, ...outcome };
}
