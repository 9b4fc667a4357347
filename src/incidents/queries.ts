/**
 * The read side of incidents: listing with keyset pagination, and one incident with
 * its alerts and timeline. Rows are mapped to wire objects here, never leaked.
 */
import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { AlertRow, IncidentEventRow, IncidentRow } from '../db/schema.js';
import { Errors } from '../errors.js';
import {
  type Alert,
  DEFAULT_LIST_LIMIT,
  type Incident,
  type IncidentDetail,
  type IncidentList,
  type ListIncidentsQuery,
  type TimelineEvent,
} from '../schemas/incidents.js';

export function rowToIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    number: Number(row.number),
    title: row.title,
    status: row.status,
    severity: row.severity,
    severityReason: row.severity_reason,
    severityOverridden: row.severity_overridden,
    service: row.service,
    integrationId: row.integration_id,
    groupKey: row.group_key,
    alertCount: row.alert_count,
    firingCount: row.firing_count,
    reopenCount: row.reopen_count,
    truncatedAlerts: row.truncated_alerts,
    openedAt: row.opened_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
  };
}

export function rowToAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    identity: row.identity,
    status: row.status,
    title: row.title,
    labels: row.labels,
    annotations: row.annotations,
    severity: row.severity,
    severityReason: row.severity_reason,
    service: row.service,
    url: row.url,
    startsAt: row.starts_at?.toISOString() ?? null,
    endsAt: row.ends_at?.toISOString() ?? null,
    firstSeenAt: row.first_seen_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    receiveCount: row.receive_count,
  };
}

export function rowToEvent(row: IncidentEventRow): TimelineEvent {
  return { id: Number(row.id), at: row.at.toISOString(), kind: row.kind, message: row.message, data: row.data };
}

/** Where a page ended: the sort key of its last incident. */
interface CursorKey {
  /** UTC with microseconds, as PostgreSQL stores it: a millisecond Date would skip or repeat rows. */
  openedAt: string;
  id: string;
}

const CURSOR_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify({ openedAt: key.openedAt, id: key.id })).toString('base64url');
}

/** Decodes a cursor, refusing anything PostgreSQL would reject later (that would be a 500, not a 400). */
export function decodeCursor(cursor: string): CursorKey {
  const invalid = (why: string) =>
    Errors.invalidCursor('cursor is invalid', [{ path: '/query/cursor', message: `${why}; pass a nextCursor from a previous page` }]);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor');
  }
  const { openedAt, id } = (value ?? {}) as Partial<Record<string, unknown>>;
  if (typeof openedAt !== 'string' || typeof id !== 'string' || !UUID.test(id)) throw invalid('not a cursor');
  const time = CURSOR_TIME.exec(openedAt);
  // A rollover (Feb 30 → Mar 2) shows as a different second once formatted back.
  const seconds = time?.[1];
  const parsed = seconds ? new Date(`${seconds}Z`) : undefined;
  // JS has a year 0; PostgreSQL does not (1 BC comes before AD 1) and refuses '0000-…'.
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.getUTCFullYear() < 1 || parsed.toISOString().slice(0, 19) !== seconds) {
    throw invalid('bad timestamp');
  }
  return { openedAt, id };
}

/**
 * Incidents newest first (opened_at desc, id desc — the incidents_list index), filtered,
 * one page at a time. `nextCursor` is null on the last page.
 */
export async function listIncidents(db: Db, filters: ListIncidentsQuery): Promise<IncidentList> {
  const limit = filters.limit ?? DEFAULT_LIST_LIMIT;
  const after = filters.cursor === undefined ? undefined : decodeCursor(filters.cursor);
  let q = db
    .selectFrom('incidents')
    .selectAll()
    .select(sql<string>`to_char(opened_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_opened_at'))
    .orderBy('opened_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1); // one more than asked says whether another page exists
  if (filters.status === 'open') q = q.where('status', '<>', 'resolved');
  else if (filters.status) q = q.where('status', '=', filters.status);
  if (filters.severity) q = q.where('severity', '=', filters.severity);
  if (filters.service !== undefined) q = q.where('service', '=', filters.service);
  if (filters.integration) q = q.where('integration_id', '=', filters.integration);
  if (after) q = q.where(sql<boolean>`(opened_at, id) < (${after.openedAt}::timestamptz, ${after.id}::uuid)`);

  const rows = await q.execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(rowToIncident),
    nextCursor: rows.length > limit && last ? encodeCursor({ openedAt: last.cursor_opened_at, id: last.id }) : null,
  };
}

/** One incident with its alerts (first seen first) and timeline (oldest first); 404 when it does not exist. */
export async function getIncident(db: Db, id: string): Promise<IncidentDetail> {
  const row = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw Errors.incidentNotFound(`Incident ${id} does not exist`);
  const [alerts, events] = await Promise.all([
    db.selectFrom('alerts').selectAll().where('incident_id', '=', id).orderBy('first_seen_at').orderBy('id').execute(),
    db.selectFrom('incident_events').selectAll().where('incident_id', '=', id).orderBy('id').execute(),
  ]);
  return { ...rowToIncident(row), alerts: alerts.map(rowToAlert), timeline: events.map(rowToEvent) };
}
