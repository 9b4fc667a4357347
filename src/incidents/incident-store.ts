import { sql, type Transaction } from 'kysely';
import type { AlertRow, Database, IncidentRow } from '../db/schema.js';
import type { SeverityDecision } from '../ingest/types.js';

/**
 * SQL for the engine, always inside the delivery's transaction. The engine
 * serializes each (integration, group key) with a transaction-scoped advisory
 * lock; the partial unique index incidents_one_open_per_group is the backstop
 * that makes a second open incident for a group impossible whatever happens.
 */
export type Trx = Transaction<Database>;

export async function lockGroup(trx: Trx, integrationId: string, groupKey: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${integrationId}/${groupKey}`}, 0))`.execute(trx);
}

export function lockAlert(trx: Trx, integrationId: string, identity: string): Promise<AlertRow | undefined> {
  return trx
    .selectFrom('alerts')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .where('identity', '=', identity)
    .forUpdate()
    .executeTakeFirst();
}

export function openIncident(trx: Trx, integrationId: string, groupKey: string): Promise<IncidentRow | undefined> {
  return trx
    .selectFrom('incidents')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .where('group_key', '=', groupKey)
    .where('status', '<>', 'resolved')
    .forUpdate()
    .executeTakeFirst();
}

export function latestResolved(trx: Trx, integrationId: string, groupKey: string): Promise<IncidentRow | undefined> {
  return trx
    .selectFrom('incidents')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .where('group_key', '=', groupKey)
    .where('status', '=', 'resolved')
    .orderBy('resolved_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export function insertIncident(
  trx: Trx,
  v: { integrationId: string; groupKey: string; title: string; severity: SeverityDecision; service: string | null; now: Date },
): Promise<IncidentRow> {
  return trx
    .insertInto('incidents')
    .values({
      integration_id: v.integrationId,
      group_key: v.groupKey,
      title: v.title,
      status: 'triggered',
      severity: v.severity.severity,
      severity_reason: v.severity.reason,
      service: v.service,
      opened_at: v.now,
      updated_at: v.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function reopenIncident(trx: Trx, id: string, now: Date): Promise<IncidentRow> {
  return trx
    .updateTable('incidents')
    .set((eb) => ({ status: 'triggered', resolved_at: null, reopen_count: eb('reopen_count', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function addEvent(
  trx: Trx,
  incidentId: string,
  kind: string,
  message: string,
  data: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await trx
    .insertInto('incident_events')
    .values({ incident_id: incidentId, kind, message, data: JSON.stringify(data), at })
    .execute();
}

/** The incident's firing alerts and the most severe of all its alerts (SEV1 < SEV4 sorts as text). */
export async function incidentAlertStats(trx: Trx, incidentId: string) {
  const row = await trx
    .selectFrom('alerts')
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      eb.fn.count<number>('id').filterWhere('status', '=', 'firing').as('firing'),
    ])
    .where('incident_id', '=', incidentId)
    .executeTakeFirstOrThrow();
  const top = await trx
    .selectFrom('alerts')
    .select(['severity', 'severity_reason', 'identity'])
    .where('incident_id', '=', incidentId)
    .orderBy('severity')
    .orderBy('first_seen_at')
    .limit(1)
    .executeTakeFirst();
  return { total: Number(row.total), firing: Number(row.firing), top };
}
