/**
 * The read side of incidents: listing with keyset pagination and filters, one
 * incident with the first page of its alerts and timeline, triage context and
 * checklist, and the paginated sub-lists. Rows are mapped to wire objects here.
 */
import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { AlertRow, Database, IncidentRow } from '../db/schema.js';
import { Errors } from '../errors.js';
import type { TimelineEvent } from '../schemas/events.js';
import {
  type Alert,
  DEFAULT_LIST_LIMIT,
  type Incident,
  type IncidentDetail,
  type IncidentList,
  type ListIncidentsQuery,
  type Page,
  type PageQuery,
} from '../schemas/incidents.js';
import type { EventKind } from '../vocabulary.js';
import { computeChecklist } from './checklist.js';
import { chatChannelName, nextUpdateDue, updateOverdue } from './communications.js';
import { CURSOR_TIME_SQL, decodeCursor, encodeCursor } from './cursor.js';
import { rowToEvent } from './events.js';
import type { Trx } from './incident-store.js';
import { ackDeadline, ackMet, type IncidentPolicy } from './policy.js';
import { triageFor } from './triage.js';

export function rowToIncident(row: IncidentRow, policy: IncidentPolicy, now = new Date()): Incident {
  const self = `/v1/incidents/${row.id}`;
  const role = (r: 'commander' | 'scribe' | 'communications') => row.roles[r] ?? null;
  const cadence = { severity: row.severity, status: row.status, openedAt: row.opened_at, lastUpdateAt: row.last_update_at };
  return {
    id: row.id,
    number: Number(row.number),
    title: row.title,
    status: row.status,
    severity: row.severity,
    severityReason: row.severity_reason,
    severityOverridden: row.severity_overridden,
    service: row.service,
    summary: row.summary,
    impact: row.impact,
    declared: row.declared,
    integrationId: row.integration_id,
    groupKey: row.group_key,
    roles: { commander: role('commander'), scribe: role('scribe'), communications: role('communications') },
    alertCount: row.alert_count,
    firingCount: row.firing_count,
    reopenCount: row.reopen_count,
    truncatedAlerts: row.truncated_alerts,
    openedAt: row.opened_at.toISOString(),
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    ackDeadline: ackDeadline(row.opened_at, row.severity, policy).toISOString(),
    ackMet: ackMet(row.opened_at, row.acknowledged_at, row.severity, policy, now),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    lastUpdateAt: row.last_update_at?.toISOString() ?? null,
    nextUpdateDueAt: nextUpdateDue(cadence, policy.updateCadenceSeconds)?.toISOString() ?? null,
    updateOverdue: updateOverdue(cadence, policy.updateCadenceSeconds, now),
    chatChannel: chatChannelName({ openedAt: row.opened_at, service: row.service, title: row.title }),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
    links: {
      self,
      timeline: `${self}/timeline`,
      notes: `${self}/notes`,
      alerts: `${self}/alerts`,
      checklist: `${self}/checklist`,
      updates: `${self}/updates`,
      messages: `${self}/messages/`,
      changes: `/v1/changes?service=${encodeURIComponent(row.service ?? '')}&before=${encodeURIComponent(row.opened_at.toISOString())}`,
    },
  };
}

/** The strong ETag of an incident's current version. */
export function etagOf(row: Pick<IncidentRow, 'version'>): string {
  return `"${row.version}"`;
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

/** An incident addressed by UUID or by number. */
export function byRef(ref: string) {
  return (eb: ExpressionBuilder<Database, 'incidents'>) => (/^\d+$/.test(ref) ? eb('number', '=', ref as never) : eb('id', '=', ref));
}

/** The incident row; 404 when there is none. With `lock`, the row is locked for the caller's transaction. */
export async function findIncident(db: Db | Trx, ref: string, lock = false): Promise<IncidentRow> {
  let q = db.selectFrom('incidents').selectAll().where(byRef(ref));
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw Errors.incidentNotFound(`Incident ${ref} does not exist`);
  return row;
}

const SEVERITY_CURSOR = { severity: 'text', openedAt: 'time', id: 'uuid' } as const;
const TIME_CURSOR = { openedAt: 'time', id: 'uuid' } as const;

/** Incidents filtered and sorted, one page at a time; `nextCursor` is null on the last page. */
export async function listIncidents(db: Db, filters: ListIncidentsQuery, policy: IncidentPolicy): Promise<IncidentList> {
  const limit = filters.limit ?? DEFAULT_LIST_LIMIT;
  const sort = filters.sort ?? '-openedAt';
  let q = db
    .selectFrom('incidents')
    .selectAll()
    .select(sql<string>`to_char(opened_at at time zone 'UTC', ${sql.raw(CURSOR_TIME_SQL)})`.as('cursor_opened_at'))
    .limit(limit + 1); // one more than asked says whether another page exists
  if (filters.status === 'open') q = q.where('status', '<>', 'resolved');
  else if (filters.status) q = q.where('status', '=', filters.status);
  if (filters.severity) q = q.where('severity', '=', filters.severity);
  if (filters.service !== undefined) q = q.where('service', '=', filters.service);
  if (filters.integration) q = q.where('integration_id', '=', filters.integration);
  if (filters.commander !== undefined) q = q.where(sql<string>`roles -> 'commander' ->> 'name'`, '=', filters.commander);
  if (filters.q !== undefined) q = q.where('title', 'ilike', `%${filters.q.replace(/[\\%_]/g, '\\$&')}%`);
  if (filters.openedAfter) q = q.where('opened_at', '>=', new Date(filters.openedAfter));
  if (filters.openedBefore) q = q.where('opened_at', '<', new Date(filters.openedBefore));
  if (filters.resolvedAfter) q = q.where('resolved_at', '>=', new Date(filters.resolvedAfter));
  if (filters.resolvedBefore) q = q.where('resolved_at', '<', new Date(filters.resolvedBefore));
  q = orderAndSeek(q, sort, filters.cursor);

  const rows = await q.execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const now = new Date();
  let nextCursor: string | null = null;
  if (rows.length > limit && last) {
    const key = { openedAt: last.cursor_opened_at, id: last.id };
    nextCursor = encodeCursor(sort === 'severity' ? { severity: last.severity, ...key } : key);
  }
  return { items: page.map((r) => rowToIncident(r, policy, now)), nextCursor };
}

type IncidentSelect = SelectQueryBuilder<Database, 'incidents', IncidentRow & { cursor_opened_at: string }>;

/** Each sort is a total order ending in id, and its cursor seeks past the last row shown. */
function orderAndSeek(q: IncidentSelect, sort: NonNullable<ListIncidentsQuery['sort']>, cursor: string | undefined): IncidentSelect {
  if (sort === 'severity') {
    q = q.orderBy('severity').orderBy('opened_at', 'desc').orderBy('id', 'desc');
    if (cursor === undefined) return q;
    const c = decodeCursor(cursor, SEVERITY_CURSOR);
    if (!/^SEV[1-4]$/.test(c.severity))
      throw Errors.invalidCursor('cursor is invalid', [{ path: '/query/cursor', message: 'not a cursor' }]);
    return q.where(
      sql<boolean>`(severity > ${c.severity} or (severity = ${c.severity} and (opened_at, id) < (${c.openedAt}::timestamptz, ${c.id}::uuid)))`,
    );
  }
  const asc = sort === 'openedAt';
  q = q.orderBy('opened_at', asc ? 'asc' : 'desc').orderBy('id', asc ? 'asc' : 'desc');
  if (cursor === undefined) return q;
  const c = decodeCursor(cursor, TIME_CURSOR);
  return q.where(sql<boolean>`(opened_at, id) ${sql.raw(asc ? '>' : '<')} (${c.openedAt}::timestamptz, ${c.id}::uuid)`);
}

/** One incident with the first page of its alerts and timeline, its triage context and its checklist. */
export async function getIncidentDetail(
  db: Db,
  ref: string,
  policy: IncidentPolicy,
): Promise<{ row: IncidentRow; detail: IncidentDetail }> {
  const row = await findIncident(db, ref);
  const now = new Date();
  const [alerts, timeline, triage, checklist] = await Promise.all([
    alertPage(db, row.id, {}),
    timelinePage(db, row.id, {}),
    triageFor(db, row, policy),
    checklistFor(row, policy, now),
  ]);
  return {
    row,
    detail: {
      ...rowToIncident(row, policy, now),
      alerts: alerts.items,
      alertsNextCursor: alerts.nextCursor,
      timeline: timeline.items,
      timelineNextCursor: timeline.nextCursor,
      triage,
      checklist,
    },
  };
}

export function checklistFor(row: IncidentRow, policy: IncidentPolicy, now = new Date()) {
  return computeChecklist({ incident: row, firingAlerts: row.firing_count, policy, now });
}

const ALERT_CURSOR = { firstSeenAt: 'time', id: 'uuid' } as const;

/** An incident's alerts, first seen first. */
export async function alertPage(db: Db, incidentId: string, page: PageQuery): Promise<Page<Alert>> {
  const limit = page.limit ?? DEFAULT_LIST_LIMIT;
  let q = db
    .selectFrom('alerts')
    .selectAll()
    .select(sql<string>`to_char(first_seen_at at time zone 'UTC', ${sql.raw(CURSOR_TIME_SQL)})`.as('cursor_first_seen'))
    .where('incident_id', '=', incidentId)
    .orderBy('first_seen_at')
    .orderBy('id')
    .limit(limit + 1);
  if (page.cursor !== undefined) {
    const c = decodeCursor(page.cursor, ALERT_CURSOR);
    q = q.where(sql<boolean>`(first_seen_at, id) > (${c.firstSeenAt}::timestamptz, ${c.id}::uuid)`);
  }
  const rows = await q.execute();
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return {
    items: rows.slice(0, limit).map(rowToAlert),
    nextCursor: last ? encodeCursor({ firstSeenAt: last.cursor_first_seen, id: last.id }) : null,
  };
}

/** An incident's timeline, oldest first; `kinds` narrows it (the notes are the `note` events). */
export async function timelinePage(db: Db, incidentId: string, page: PageQuery, kinds?: EventKind[]): Promise<Page<TimelineEvent>> {
  const limit = page.limit ?? DEFAULT_LIST_LIMIT;
  let q = db
    .selectFrom('incident_events')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('id')
    .limit(limit + 1);
  if (kinds) q = q.where('kind', 'in', kinds);
  if (page.cursor !== undefined) q = q.where('id', '>', Number(decodeCursor(page.cursor, { id: 'int' }).id) as never);
  const rows = await q.execute();
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items: rows.slice(0, limit).map(rowToEvent), nextCursor: last ? encodeCursor({ id: Number(last.id) }) : null };
}
