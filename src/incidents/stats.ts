/**
 * Response metrics over incidents opened in a window (MTTA / MTTR): counts by severity
 * and status, time to acknowledge and to resolve (mean, p50, p90) by severity, and the
 * share acknowledged within the severity's target. One query per question, in PostgreSQL.
 */
import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { INCIDENT_STATUSES, SEVERITIES, type Severity } from '../vocabulary.js';
import type { IncidentPolicy } from './policy.js';

export interface Durations {
  count: number;
  meanSeconds: number | null;
  p50Seconds: number | null;
  p90Seconds: number | null;
}
export interface AckTargetShare {
  /** Incidents acknowledged, or unacknowledged past their deadline. */
  due: number;
  met: number;
  /** met / due; null when none is due. */
  share: number | null;
}
type BySeverity<T> = Record<Severity | 'all', T>;

export interface Stats {
  from: string;
  to: string;
  service: string | null;
  total: number;
  bySeverity: Record<Severity, number>;
  byStatus: Record<(typeof INCIDENT_STATUSES)[number], number>;
  timeToAcknowledge: BySeverity<Durations>;
  timeToResolve: BySeverity<Durations>;
  acknowledgedWithinTarget: BySeverity<AckTargetShare>;
}

interface Row {
  severity: Severity | null;
  n: number;
  ack_n: number;
  ack_mean: number | null;
  ack_p50: number | null;
  ack_p90: number | null;
  res_n: number;
  res_mean: number | null;
  res_p50: number | null;
  res_p90: number | null;
  due: number;
  met: number;
}

const round = (v: number | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);

export async function incidentStats(
  db: Db,
  q: { from?: string; to?: string; service?: string },
  policy: IncidentPolicy,
  now = new Date(),
): Promise<Stats> {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * 86_400_000);
  const t = policy.ackTargetSeconds;
  const service = q.service === undefined ? sql`true` : sql`service = ${q.service}`;
  const { rows } = await sql<Row>`
    with i as (
      select severity, status,
        extract(epoch from acknowledged_at - opened_at)::float8 as ack,
        extract(epoch from resolved_at - opened_at)::float8 as res,
        extract(epoch from ${now}::timestamptz - opened_at)::float8 as age,
        (case severity when 'SEV1' then ${t.SEV1} when 'SEV2' then ${t.SEV2} when 'SEV3' then ${t.SEV3} else ${t.SEV4} end)::float8 as target
      from incidents
      where opened_at >= ${from} and opened_at < ${to} and ${service}
    )
    select severity, count(*)::int as n,
      count(ack)::int as ack_n, avg(ack) as ack_mean,
      percentile_cont(0.5) within group (order by ack) as ack_p50,
      percentile_cont(0.9) within group (order by ack) as ack_p90,
      count(res)::int as res_n, avg(res) as res_mean,
      percentile_cont(0.5) within group (order by res) as res_p50,
      percentile_cont(0.9) within group (order by res) as res_p90,
      count(*) filter (where ack is not null or age > target)::int as due,
      count(*) filter (where ack <= target)::int as met
    from i group by grouping sets ((severity), ())`.execute(db);
  const statusRows = await db
    .selectFrom('incidents')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('opened_at', '>=', from)
    .where('opened_at', '<', to)
    .$if(q.service !== undefined, (qb) => qb.where('service', '=', q.service!))
    .groupBy('status')
    .execute();

  const bySev = new Map(rows.map((r) => [r.severity ?? 'all', r]));
  const per = <T>(f: (r: Row | undefined) => T) =>
    Object.fromEntries([...SEVERITIES, 'all'].map((s) => [s, f(bySev.get(s as Severity))])) as BySeverity<T>;
  const durations = (
    n: number | undefined,
    mean: number | null | undefined,
    p50: number | null | undefined,
    p90: number | null | undefined,
  ) => ({
    count: n ?? 0,
    meanSeconds: round(mean ?? null),
    p50Seconds: round(p50 ?? null),
    p90Seconds: round(p90 ?? null),
  });
  const statuses = new Map(statusRows.map((r) => [r.status, Number(r.n)]));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    service: q.service ?? null,
    total: bySev.get('all')?.n ?? 0,
    bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, bySev.get(s)?.n ?? 0])) as Record<Severity, number>,
    byStatus: Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, statuses.get(s) ?? 0])) as Stats['byStatus'],
    timeToAcknowledge: per((r) => durations(r?.ack_n, r?.ack_mean, r?.ack_p50, r?.ack_p90)),
    timeToResolve: per((r) => durations(r?.res_n, r?.res_mean, r?.res_p50, r?.res_p90)),
    acknowledgedWithinTarget: per((r) => ({
      due: r?.due ?? 0,
      met: r?.met ?? 0,
      share: r && r.due > 0 ? Math.round((r.met / r.due) * 1000) / 1000 : null,
    })),
  };
}
