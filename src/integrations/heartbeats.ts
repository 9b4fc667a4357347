import type { Db } from '../db/client.js';
import type { IntegrationRow } from '../db/schema.js';
import { applyDecoded, type DeliveryResult, type IngestSettings } from '../incidents/deliveries.js';
import { heartbeatAlert, heartbeatDeadline } from '../ingest/heartbeat.js';
import { enqueue } from '../jobs/queue.js';
import { ingestContext } from './ingest-context.js';

export const HEARTBEAT_TASK = 'heartbeat_check';

function alertFor(row: IntegrationRow, status: 'firing' | 'resolved', lastBeatAt: Date | null, now: Date) {
  return heartbeatAlert({
    integrationId: row.id,
    name: row.name,
    service: row.service ?? undefined,
    status,
    lastBeatAt,
    intervalSeconds: row.heartbeat_interval_seconds!,
    graceSeconds: row.heartbeat_grace_seconds!,
    now,
  });
}

/**
 * Records a beat: arms (or re-arms) the deadline check as a durable job whose
 * key replaces the previous one, and resolves a missed-heartbeat alert if one fires.
 */
export async function recordBeat(db: Db, row: IntegrationRow, now: Date, settings: IngestSettings) {
  const deadline = heartbeatDeadline(now, row.heartbeat_interval_seconds!, row.heartbeat_grace_seconds!);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('integrations').set({ last_beat_at: now }).where('id', '=', row.id).execute();
    await enqueue(trx, HEARTBEAT_TASK, { integrationId: row.id }, { jobKey: `heartbeat:${row.id}`, runAt: deadline });
  });
  const firing = await db
    .selectFrom('alerts')
    .select('id')
    .where('integration_id', '=', row.id)
    .where('identity', '=', 'heartbeat')
    .where('status', '=', 'firing')
    .executeTakeFirst();
  let delivery: DeliveryResult | undefined;
  if (firing) {
    delivery = await applyDecoded(
      db,
      { integration: ingestContext(row), source: 'heartbeat', rawBody: '', now, ...settings },
      {
        alerts: [alertFor(row, 'resolved', now, now)],
        truncatedAlerts: 0,
      },
    );
  }
  return { lastBeatAt: now.toISOString(), nextDeadline: deadline.toISOString(), resolved: delivery?.alerts ?? [] };
}

/** The job: if no beat came since it was scheduled and the deadline has passed, raise the alert. */
export async function checkHeartbeat(
  db: Db,
  integrationId: string,
  now: Date,
  settings: IngestSettings,
): Promise<DeliveryResult | undefined> {
  const row = await db
    .selectFrom('integrations')
    .selectAll()
    .where('id', '=', integrationId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (row?.kind !== 'heartbeat' || !row.last_beat_at) return undefined;
  const deadline = heartbeatDeadline(row.last_beat_at, row.heartbeat_interval_seconds!, row.heartbeat_grace_seconds!);
  if (deadline.getTime() > now.getTime()) return undefined; // a later beat moved the deadline
  return applyDecoded(
    db,
    { integration: ingestContext(row), source: 'heartbeat', rawBody: '', now, ...settings },
    {
      alerts: [alertFor(row, 'firing', row.last_beat_at, now)],
      truncatedAlerts: 0,
    },
  );
}
