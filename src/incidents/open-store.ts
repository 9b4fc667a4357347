/**
 * The open path's transaction (opens.ts decides): many deliveries that each open new incidents,
 * from any integrations, in one transaction of a few set-based statements, whatever the batch's
 * size: lock every group (sorted, as the full path locks them), gather (keys, existing alerts and
 * incidents, silences and policies), decide purely, then insert the incidents, then
 * everything else (alerts, timeline, escalation state, timers, deliveries) in one statement.
 * Rows travel as JSON documents (db/json-rows.ts), not as thousands of parameters.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { jsonRows } from '../db/json-rows.js';
import { executePrepared } from '../db/prepared.js';
import type { EscalationPolicyRow, MatcherRow } from '../db/schema.js';
import { rowToPolicy } from '../escalation/policy-store.js';
import { addJobs } from '../jobs/queue.js';
import { type DeliveryResult, deliveryRecord } from './deliveries.js';
import { lockGroups, type Trx } from './incident-store.js';
import { type Gathered, type OpenDelivery, planOpens } from './opens.js';
import { AUTHORIZED } from './repeat-store.js';
import { activeSilencesQuery, compileSilences } from './silences.js';

/** Applies what the database allows; each delivery's answer, or null for those left to the full path. */
export async function applyOpens(db: Db, batch: OpenDelivery[]): Promise<(DeliveryResult | null)[]> {
  return db.transaction().execute(async (trx) => {
    await lockGroups(
      trx,
      batch.flatMap((d) => d.alerts.map((a) => ({ integrationId: d.input.integration.id, groupKey: a.groupKey }))),
    );
    const plan = planOpens(batch, await gather(trx, batch), randomUUID);
    if (plan.answers.size === 0) return batch.map(() => null);

    const { rows: numbered } = await executePrepared(
      trx,
      sql<{ id: string; number: string }>`
      insert into incidents (id, integration_id, group_key, title, status, severity, severity_reason, service,
        alert_count, firing_count, truncated_alerts, opened_at, updated_at)
      select id, integration_id, group_key, title, 'triggered', severity, severity_reason, service,
        alert_count, firing_count, truncated_alerts, opened_at, opened_at
      from json_to_recordset(${jsonRows(plan.incidents.map((x, ord) => ({ ord, ...x })))}::json) as x(ord int, id uuid,
        integration_id uuid, group_key text, title text, severity text, severity_reason text, service text,
        alert_count int, firing_count int, truncated_alerts int, opened_at timestamptz)
      order by ord
      returning id, number::text`,
    );
    const numbers = new Map(numbered.map((r) => [r.id, Number(r.number)]));

    const results = new Map<number, Omit<DeliveryResult, 'deliveryId'>>();
    for (const [ix, summaries] of plan.answers) {
      const d = batch[ix]!;
      const alerts = summaries.map((s) => ({ ...s, incidentNumber: numbers.get(s.incidentId!)! }));
      results.set(ix, {
        integrationId: d.input.integration.id,
        alerts,
        truncatedAlerts: d.truncatedAlerts,
        ...(d.note ? { note: d.note } : {}),
      });
    }
    const records = [...results].map(([ix, { integrationId: _, ...outcome }]) => ({
      ix,
      ...deliveryRecord(batch[ix]!.input, 200, outcome),
    }));
    const { rows: recorded } = await executePrepared(
      trx,
      sql<{ ix: number; id: string }>`
      with alerts_in as (
        insert into alerts (integration_id, identity, group_key, incident_id, status, title, labels, annotations, severity,
          severity_reason, service, url, starts_at, fired_at, ends_at, first_seen_at, last_seen_at)
        select integration_id, identity, group_key, incident_id, status, title, labels, annotations, severity,
          severity_reason, service, url, starts_at, fired_at, ends_at, last_seen_at, last_seen_at
        from json_to_recordset(${jsonRows(plan.alerts)}::json) as x(integration_id uuid, identity text, group_key text,
          incident_id uuid, status text, title text, labels jsonb, annotations jsonb, severity text, severity_reason text,
          service text, url text, starts_at timestamptz, fired_at timestamptz, ends_at timestamptz, last_seen_at timestamptz)
        returning 1
      ),
      events_in as (
        insert into incident_events (incident_id, at, kind, message, data, actor_type, actor_id, actor_name)
        select incident_id, at, kind, message, data, actor_type, actor_id, actor_name
        from json_to_recordset(${jsonRows(plan.events.map((x, ord) => ({ ord, ...x })))}::json) as x(ord int,
          incident_id uuid, at timestamptz, kind text, message text, data jsonb, actor_type text, actor_id text, actor_name text)
        order by ord
        returning 1
      ),
      escalations_in as (
        insert into incident_escalations (incident_id, policy_id, cycle, round, step, started_at, next_at, stopped_at,
          stop_reason, reminder_at, updated_at)
        select incident_id, policy_id, cycle, round, step, started_at, next_at, stopped_at, stop_reason, reminder_at, updated_at
        from json_to_recordset(${jsonRows(plan.escalations)}::json) as x(incident_id uuid, policy_id uuid, cycle int,
          round int, step int, started_at timestamptz, next_at timestamptz, stopped_at timestamptz, stop_reason text,
          reminder_at timestamptz, updated_at timestamptz)
        returning 1
      ),
      ids as (
        select x.*, nextval(pg_get_serial_sequence('deliveries', 'id')) as id
        from json_to_recordset(${jsonRows(records)}::json) as x(ix int, integration_id uuid, source text, outcome text,
          body text, body_bytes int, received_at timestamptz, request_id uuid)
      ),
      deliveries_in as (
        insert into deliveries (id, integration_id, source, status_code, outcome, body, body_bytes, received_at, request_id)
        overriding system value
        select id, integration_id, source, 200, outcome::jsonb, body, body_bytes, received_at, request_id from ids
        returning 1
      ),
      -- A plain select in WITH runs only as far as the query reads it: the cross join reads it whole.
      jobs_in as (select ${addJobs(plan.jobs)})
      select ix, id::text as id from ids cross join (select count(*) from jobs_in) as enqueued`,
    );
    const ids = new Map(recorded.map((r) => [Number(r.ix), Number(r.id)]));
    return batch.map((_, ix) => {
      const result = results.get(ix);
      return result ? { deliveryId: ids.get(ix)!, ...result } : null;
    });
  });
}

/**
 * In one statement: which deliveries' keys still hold, which touch an alert or a group the
 * database already has, and the silences and escalation policies in force.
 */
async function gather(trx: Trx, batch: OpenDelivery[]): Promise<Gathered> {
  const deliveries = batch.map((d, ix) => ({
    ix,
    integration_id: d.input.integration.id,
    key_hash: d.keyHash,
    integration_version: d.input.integration.updatedAt,
  }));
  const alerts = batch.flatMap((d, ix) => d.alerts.map((a) => ({ ix, identity: a.identity, group_key: a.groupKey })));
  type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] };
  const { rows } = await executePrepared(
    trx,
    sql<{
      authorized: number[];
      blocked: number[];
      silences: Json<{ id: string; matchers: MatcherRow[]; ends_at: Date }>[];
      policies: Json<EscalationPolicyRow>[];
    }>`
    with d as (
      select * from json_to_recordset(${jsonRows(deliveries)}::json)
        as d(ix int, integration_id uuid, key_hash text, integration_version timestamptz)
    ),
    a as (
      select a.*, d.integration_id from json_to_recordset(${jsonRows(alerts)}::json) as a(ix int, identity text, group_key text)
      join d using (ix)
    )
    select
      (select coalesce(json_agg(ix), '[]') from (${AUTHORIZED}) ok) as authorized,
      -- Two index probes per alert. Written as EXISTS ... OR EXISTS, the planner hashed both tables
      -- whole instead (it guesses a batch at 100 rows): every alert and incident read per batch.
      (select coalesce(json_agg(distinct b.ix), '[]') from (
        select a.ix from a cross join lateral
          (select from alerts x where x.integration_id = a.integration_id and x.identity = a.identity limit 1) hit
        union all
        select a.ix from a cross join lateral
          (select from incidents i where i.integration_id = a.integration_id and i.group_key = a.group_key limit 1) hit
      ) b) as blocked,
      (select coalesce(json_agg(s), '[]') from (${activeSilencesQuery(trx, batch[0]!.input.now)}) s) as silences,
      (select coalesce(json_agg(p), '[]') from (${trx.selectFrom('escalation_policies').selectAll()}) p) as policies`,
  );
  const row = rows[0]!;
  return {
    authorized: new Set(row.authorized),
    blocked: new Set(row.blocked),
    silences: compileSilences(row.silences.map((s) => ({ ...s, ends_at: new Date(s.ends_at) }))),
    policies: row.policies.map((p) => rowToPolicy({ ...p, created_at: new Date(p.created_at), updated_at: new Date(p.updated_at) })),
  };
}
