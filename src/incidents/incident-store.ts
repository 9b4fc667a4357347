import { sql, type Transaction } from 'kysely';
import { executePrepared } from '../db/prepared.js';
import type { AlertRow, Database, IncidentRow } from '../db/schema.js';
import type { NormalizedAlert, Severity, SeverityDecision } from '../ingest/types.js';

/**
 * SQL for the engine, always inside the delivery's transaction. The engine
 * serializes each (integration, group key) with a transaction-scoped advisory
 * lock; the partial unique index incidents_one_open_per_group is the backstop
 * that makes a second open incident for a group impossible whatever happens.
 */
export type Trx = Transaction<Database>;

/** A normalized alert with its group key and severity decided for this integration. */
export interface PreparedAlert extends NormalizedAlert {
  decided: SeverityDecision;
}

/** The advisory lock a group's writes hold, on the full path and the open path alike. */
const groupLockKey = (integrationId: string, groupKey: string) => `${integrationId}/${groupKey}`;

export async function lockGroup(trx: Trx, integrationId: string, groupKey: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${groupLockKey(integrationId, groupKey)}, 0))`.execute(trx);
}

/** Locks many groups, in sorted order (as the full path takes its groups), so no two writers wait in a cycle. */
export async function lockGroups(trx: Trx, groups: { integrationId: string; groupKey: string }[]): Promise<void> {
  const keys = [...new Set(groups.map((g) => groupLockKey(g.integrationId, g.groupKey)))].sort();
  // Rows come out of unnest in the array's order: the locks are taken sorted.
  await executePrepared(trx, sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${keys}::text[]) as k`);
}

/** The existing rows of these alerts, locked (in identity order) for the rest of the transaction. */
export async function lockAlerts(trx: Trx, integrationId: string, identities: string[]): Promise<Map<string, AlertRow>> {
  const rows = await trx
    .selectFrom('alerts')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .where('identity', 'in', identities)
    .orderBy('identity')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.identity, r]));
}

/**
 * The group's current incident, locked: its open one if it has one (the unique
 * index allows at most one), else its most recently resolved one (for reopening).
 */
export function newestIncident(trx: Trx, integrationId: string, groupKey: string): Promise<IncidentRow | undefined> {
  return trx
    .selectFrom('incidents')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .where('group_key', '=', groupKey)
    .orderBy(sql`status = 'resolved'`)
    .orderBy('resolved_at', (ob) => ob.desc().nullsFirst())
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

/**
 * An incident with its alert counts and its most severe alert, in one round trip
 * ('SEV1' < 'SEV4' sorts as text, so the first by severity is the most severe).
 */
export async function incidentWithStats(trx: Trx, incidentId: string) {
  const { rows } = await sql<IncidentRow & { total: number; firing: number; top_severity: Severity | null; top_reason: string | null }>`
    select i.*, s.total, s.firing, t.severity as top_severity, t.severity_reason as top_reason
    from incidents i
    cross join lateral (
      select count(*)::int as total, (count(*) filter (where status = 'firing'))::int as firing
      from alerts where incident_id = i.id
    ) s
    left join lateral (
      select severity, severity_reason from alerts where incident_id = i.id order by severity, first_seen_at limit 1
    ) t on true
    where i.id = ${incidentId}`.execute(trx);
  const { total, firing, top_severity, top_reason, ...incident } = rows[0]!;
  return {
    incident: incident as IncidentRow,
    total,
    firing,
    top: top_severity ? { severity: top_severity, reason: top_reason! } : undefined,
  };
}

/** What an alert row becomes after this sighting (the columns saveAlert writes). */
export function alertFields(
  alert: PreparedAlert,
  existing: AlertRow | undefined,
  now: Date,
  to: { status: AlertRow['status']; incidentId: string | null },
) {
  // A firing that (re)starts takes the sender's start, and the arrival of this delivery as its
  // fired_at (the arrival order stale resolves are judged by); a continuing one keeps both.
  const restarts = to.status === 'firing' && existing?.status !== 'firing';
  // A resolve that only names its alert keeps what the alert said when it fired.
  const keep = alert.detailsOmitted && existing ? existing : undefined;
  return {
    group_key: alert.groupKey,
    incident_id: to.incidentId,
    status: to.status,
    title: keep?.title ?? alert.title,
    labels: keep?.labels ?? alert.labels,
    annotations: keep?.annotations ?? alert.annotations,
    severity: keep?.severity ?? alert.decided.severity,
    severity_reason: keep?.severity_reason ?? alert.decided.reason,
    service: keep ? keep.service : (alert.service ?? null),
    url: keep ? keep.url : (alert.url ?? null),
    starts_at: restarts ? alert.startsAt : (alert.startsAt ?? existing?.starts_at ?? null),
    fired_at: to.status !== 'firing' ? null : restarts ? now : (existing?.fired_at ?? now),
    // Only a resolved alert has an end; a stale late firing keeps the end already recorded.
    ends_at: to.status === 'resolved' ? (alert.endsAt ?? existing?.ends_at ?? now) : null,
    last_seen_at: now,
  };
}

/** alertFields with labels and annotations as JSON text, for a row written through Kysely. */
export function alertValues(...args: Parameters<typeof alertFields>) {
  const fields = alertFields(...args);
  return { ...fields, labels: JSON.stringify(fields.labels), annotations: JSON.stringify(fields.annotations) };
}

export type AlertValues = ReturnType<typeof alertValues>;

/** Inserts or updates the alert row, counting the sighting. */
export async function saveAlert(
  trx: Trx,
  integrationId: string,
  alert: PreparedAlert,
  existing: AlertRow | undefined,
  now: Date,
  to: { status: AlertRow['status']; incidentId: string | null },
): Promise<void> {
  const values = alertValues(alert, existing, now, to);
  if (!existing && (await insertAlerts(trx, integrationId, [{ identity: alert.identity, values }], now)).size > 0) return;
  await updateAlert(trx, integrationId, alert.identity, values);
}

/**
 * First sightings, in one statement; the identities inserted. The group lock already serializes
 * first sightings; the identity constraint is the backstop (a row that exists is not inserted).
 */
export async function insertAlerts(
  trx: Trx,
  integrationId: string,
  rows: { identity: string; values: AlertValues }[],
  now: Date,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await trx
    .insertInto('alerts')
    .values(rows.map((r) => ({ ...r.values, integration_id: integrationId, identity: r.identity, first_seen_at: now })))
    .onConflict((oc) => oc.columns(['integration_id', 'identity']).doNothing())
    .returning('identity')
    .execute();
  return new Set(inserted.map((r) => r.identity));
}

/** A sighting of an alert that has a row: its new values, and one more sighting counted. */
export async function updateAlert(trx: Trx, integrationId: string, identity: string, values: AlertValues): Promise<void> {
  await trx
    .updateTable('alerts')
    .set((eb) => ({ ...values, receive_count: eb('receive_count', '+', 1) }))
    .where('integration_id', '=', integrationId)
    .where('identity', '=', identity)
    .execute();
}

/**
 * The duplicate fast path, under the group lock: one statement counts every alert
 * of the group that is already firing, unchanged in severity, in an open incident —
 * the common case of Alertmanager re-sends and HA duplicates — instead of three
 * statements per alert. What it does not match takes the full path.
 */
export async function countFiringDuplicates(
  trx: Trx,
  integrationId: string,
  groupKey: string,
  alerts: PreparedAlert[],
  now: Date,
): Promise<Map<string, { incidentId: string; incidentNumber: number }>> {
  if (alerts.length === 0) return new Map();
  const values = alerts.map(
    (a) =>
      sql`(${a.identity}, ${a.title}, ${JSON.stringify(a.labels)}::jsonb, ${JSON.stringify(a.annotations)}::jsonb, ${a.url ?? null}, ${a.decided.severity}, ${a.startsAt}::timestamptz)`,
  );
  const { rows } = await sql<{ identity: string; incident_id: string; number: number }>`
    update alerts a set receive_count = a.receive_count + 1, last_seen_at = ${now},
      title = v.title, labels = v.labels, annotations = v.annotations, url = v.url, starts_at = coalesce(v.starts_at, a.starts_at)
    from (values ${sql.join(values)}) as v(identity, title, labels, annotations, url, severity, starts_at), incidents i
    where a.integration_id = ${integrationId} and a.identity = v.identity and a.group_key = ${groupKey}
      and a.status = 'firing' and a.severity = v.severity
      and i.id = a.incident_id and i.status <> 'resolved'
    returning a.identity, a.incident_id, i.number`.execute(trx);
  return new Map(rows.map((r) => [r.identity, { incidentId: r.incident_id, incidentNumber: Number(r.number) }]));
}

/** A sighting that changes nothing else (a stale resolve): counted, and seen now. */
export async function countSighting(trx: Trx, integrationId: string, identity: string, now: Date): Promise<void> {
  await trx
    .updateTable('alerts')
    .set((eb) => ({ receive_count: eb('receive_count', '+', 1), last_seen_at: now }))
    .where('integration_id', '=', integrationId)
    .where('identity', '=', identity)
    .execute();
}

export async function incidentNumber(trx: Trx, incidentId: string): Promise<number> {
  const row = await trx.selectFrom('incidents').select('number').where('id', '=', incidentId).executeTakeFirstOrThrow();
  return Number(row.number);
}
