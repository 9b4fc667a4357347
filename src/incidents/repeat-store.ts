/**
 * The repeat path's one statement: many repeat deliveries, from any integrations and groups,
 * applied together in a single round trip with no BEGIN/COMMIT (one statement is one
 * transaction). For each delivery it re-checks, against the database:
 * - the integration key still exists and has not expired, and the integration is not deleted
 *   nor changed since this process read it (so a revoked key is never served from memory);
 * - every alert still fires, in the incident remembered, with the same severity and group
 *   key, and that incident is open.
 * A delivery passing every check is applied (its alerts' sightings counted, their text
 * refreshed, the delivery recorded); one that fails any is not touched at all and goes down the
 * full path. It is a prepared statement (db/prepared.ts): planning it was a quarter of
 * PostgreSQL's CPU in a storm of repeats. Its generic plan is its custom one, since the batch
 * travels as two JSON documents the planner guesses at 100 rows whatever they hold (when it took
 * arrays, whose length a custom plan sees, a generic plan made for a few rows joined a 100-alert
 * batch in quadratic time). Alert rows are locked in (integration, identity) order, so two of these statements
 * cannot deadlock each other; a deadlock with the full path is answered by the full path.
 */
import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { pgTime } from '../db/json-rows.js';
import { executePrepared } from '../db/prepared.js';
import type { DeliveryRecord } from './deliveries.js';
import type { RepeatAlert } from './repeats.js';

/**
 * The deliveries (a CTE `d` of ix, integration_id, key_hash, integration_version) whose key still
 * exists and has not expired, for an integration neither deleted nor changed since it was read.
 */
export const AUTHORIZED = sql`
  select d.ix from d
  join integration_keys k on k.key_hash = d.key_hash and k.integration_id = d.integration_id
  join integrations i on i.id = d.integration_id
  where (k.expires_at is null or k.expires_at > now()) and i.deleted_at is null
    and date_trunc('milliseconds', i.updated_at) = d.integration_version`;

export interface RepeatDelivery {
  integrationId: string;
  keyHash: string;
  /** The integration's updated_at as this process read it. */
  integrationVersion: Date;
  record: DeliveryRecord;
  alerts: RepeatAlert[];
}

/** Applies what still holds; the delivery id of each applied delivery, null for the rest. */
export async function applyRepeats(db: Db, batch: RepeatDelivery[]): Promise<(number | null)[]> {
  // Two JSON parameters (V8's native JSON.stringify), not twenty arrays (node-postgres escapes
  // array elements in JavaScript: 5% of the repeat path's CPU, most of it on the stored bodies).
  // Dates are written by pgTime here, as jsonRows does.
  const deliveries = batch.map((x, ix) => ({
    ix,
    integration_id: x.integrationId,
    key_hash: x.keyHash,
    integration_version: pgTime(x.integrationVersion),
    source: x.record.source,
    outcome: x.record.outcome,
    body: x.record.body,
    body_bytes: x.record.body_bytes,
    received_at: pgTime(x.record.received_at),
    request_id: x.record.request_id ?? null,
    n: x.alerts.length,
  }));
  const alerts = batch.flatMap((x, ix) =>
    x.alerts.map(({ alert, expected }) => ({
      ix,
      identity: alert.identity,
      incident_id: expected.incidentId,
      severity: expected.severity,
      group_key: expected.groupKey,
      title: alert.title,
      labels: alert.labels,
      annotations: alert.annotations,
      url: alert.url ?? null,
      starts_at: alert.startsAt && pgTime(alert.startsAt),
    })),
  );
  const { rows } = await executePrepared(
    db,
    sql<{ ix: number; id: string }>`
    with input as (
      select * from json_to_recordset(${JSON.stringify(deliveries)}::json) as d(ix int, integration_id uuid, key_hash text,
        integration_version timestamptz, source text, outcome text, body text, body_bytes int, received_at timestamptz,
        request_id uuid, n int)
    ),
    -- What the checks join on, without the stored bodies: a row carried through joins and sorts with its
    -- 25 KB body made one 100-alert batch sort 54 MB on disk.
    d as (select ix, integration_id, key_hash, integration_version, received_at, n from input),
    a as (
      select ix, identity, incident_id, severity, group_key, title, labels, annotations, url, starts_at
      from json_to_recordset(${JSON.stringify(alerts)}::json) as a(ix int, identity text, incident_id uuid, severity text,
        group_key text, title text, labels jsonb, annotations jsonb, url text, starts_at timestamptz)
    ),
    authorized as (${AUTHORIZED}),
    -- One index probe per alert, locking in (integration, identity) order: written as a semi-join,
    -- the planner (guessing 100 rows for the batch) hashed it against the whole alerts table.
    locked as (
      select al.id, al.integration_id, al.identity, al.incident_id, al.severity, al.group_key
      from (select distinct d.integration_id, a.identity from a join d using (ix) order by 1, 2) w
      cross join lateral (
        select al.* from alerts al
        where al.integration_id = w.integration_id and al.identity = w.identity and al.status = 'firing'
        for update
      ) al
      join incidents i on i.id = al.incident_id and i.status <> 'resolved'
    ),
    matched as (
      select a.ix, a.title, a.labels, a.annotations, a.url, a.starts_at, l.id as alert_id, d.received_at from a join d using (ix)
      join locked l on l.integration_id = d.integration_id and l.identity = a.identity
        and l.incident_id = a.incident_id and l.severity = a.severity and l.group_key = a.group_key
    ),
    ok as (
      select m.ix from matched m join d using (ix) join authorized using (ix) group by m.ix, d.n having count(*) = d.n
    ),
    latest as (
      select distinct on (m.alert_id) m.alert_id, m.title, m.labels, m.annotations, m.url, m.starts_at, m.received_at,
        count(*) over (partition by m.alert_id) as k
      from matched m join ok using (ix)
      order by m.alert_id, m.ix desc
    ),
    counted as (
      update alerts al set receive_count = al.receive_count + x.k, last_seen_at = x.received_at, title = x.title,
        labels = x.labels, annotations = x.annotations, url = x.url, starts_at = coalesce(x.starts_at, al.starts_at)
      from latest x where al.id = x.alert_id
      returning al.id
    ),
    ids as (
      select ok.ix, nextval(pg_get_serial_sequence('deliveries', 'id')) as id from ok
    ),
    recorded as (
      insert into deliveries (id, integration_id, source, status_code, outcome, body, body_bytes, received_at, request_id)
      overriding system value
      select ids.id, x.integration_id, x.source, 200, x.outcome::jsonb, x.body, x.body_bytes, x.received_at, x.request_id
      from ids join input x using (ix)
      returning id
    )
    select ids.ix, ids.id::text as id from ids`,
  );
  const applied = new Map(rows.map((r) => [Number(r.ix), Number(r.id)]));
  return deliveries.map((x) => applied.get(x.ix) ?? null);
}
