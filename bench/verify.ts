/**
 * Correctness after each workload, read back from the database. A run stops
 * with requests in flight: the client never sees their answers, but the server
 * still commits them. So the exact checks compare the database with the
 * deliveries Klaxon committed (each 2xx answer is one `deliveries` row with
 * status 200, written in the same transaction), and the client's 2xx count
 * must be at most that, short by no more than the number of connections.
 */
import type pg from 'pg';
import type { LoadResult } from './load.js';

export interface Check {
  ok: boolean;
  text: string;
}

const check = (ok: boolean, text: string): Check => ({ ok, text });

export interface IntegrationSnapshot {
  deliveriesOk: number;
  deliveriesOther: number;
  incidents: number;
  openIncidents: number;
  alerts: number;
  receiveCounts: number[];
  events: number;
}

export async function snapshot(pool: pg.Pool, integrationId: string): Promise<IntegrationSnapshot> {
  const { rows } = await pool.query(
    `select
       (select count(*) from deliveries where integration_id = $1 and status_code = 200)::int as "deliveriesOk",
       (select count(*) from deliveries where integration_id = $1 and status_code <> 200)::int as "deliveriesOther",
       (select count(*) from incidents where integration_id = $1)::int as incidents,
       (select count(*) from incidents where integration_id = $1 and status <> 'resolved')::int as "openIncidents",
       (select count(*) from alerts where integration_id = $1)::int as alerts,
       (select coalesce(array_agg(receive_count order by identity), '{}') from alerts where integration_id = $1) as "receiveCounts",
       (select count(*) from incident_events e join incidents i on i.id = e.incident_id where i.integration_id = $1)::int as events`,
    [integrationId],
  );
  const row = rows[0] as IntegrationSnapshot;
  return { ...row, receiveCounts: row.receiveCounts.map(Number) };
}

/** Client 2xx vs what the server committed: equal but for the requests cut off when the run stopped. */
function inFlight(label: string, committed: number, result: LoadResult, connections: number): Check {
  const extra = committed - result.ok;
  return check(
    extra >= 0 && extra <= connections,
    `${label}: ${committed} committed, ${result.ok} 2xx seen by the client (${extra} in flight at the stop, at most ${connections} allowed)`,
  );
}

export function verifyRepeat(before: IntegrationSnapshot, after: IntegrationSnapshot, result: LoadResult, connections: number): Check[] {
  const d = after.deliveriesOk - before.deliveriesOk;
  const bumps = after.receiveCounts.map((n, i) => n - (before.receiveCounts[i] ?? 0));
  return [
    inFlight('deliveries', d, result, connections),
    check(
      after.deliveriesOther === before.deliveriesOther,
      `no failed deliveries recorded (${after.deliveriesOther - before.deliveriesOther} new)`,
    ),
    check(
      after.incidents === 1 && after.openIncidents === 1,
      `exactly one incident for the group (${after.incidents}, ${after.openIncidents} open)`,
    ),
    check(after.alerts === 2, `exactly two alerts for the group (${after.alerts})`),
    check(
      bumps.length === 2 && bumps.every((b) => b === d),
      `each alert's receive_count rose by the deliveries committed (${bumps.join(', ')} vs ${d})`,
    ),
    check(after.events === before.events, `a repeat adds no timeline event (${after.events - before.events} added)`),
  ];
}

/**
 * Repeats of several live groups (`repeat-50`: 50 groups of 2 alerts; `alerts-100`: 10 groups of 100),
 * all primed before the load: still exactly those incidents, all open, and those alerts; the sum of
 * receive_count rose by exactly alerts-per-group × deliveries committed; no timeline event added.
 */
export function verifyGroups(
  before: IntegrationSnapshot,
  after: IntegrationSnapshot,
  result: LoadResult,
  connections: number,
  shape: { groups: number; alertsPerGroup: number },
): Check[] {
  const d = after.deliveriesOk - before.deliveriesOk;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const rose = sum(after.receiveCounts) - sum(before.receiveCounts);
  const alerts = shape.groups * shape.alertsPerGroup;
  return [
    inFlight('deliveries', d, result, connections),
    check(
      after.deliveriesOther === before.deliveriesOther,
      `no failed deliveries recorded (${after.deliveriesOther - before.deliveriesOther} new)`,
    ),
    check(
      after.incidents === shape.groups && after.openIncidents === shape.groups,
      `exactly ${shape.groups} incidents, all open (${after.incidents}, ${after.openIncidents} open)`,
    ),
    check(after.alerts === alerts, `exactly ${alerts} alerts (${after.alerts})`),
    check(
      rose === shape.alertsPerGroup * d,
      `the sum of receive_count rose by ${shape.alertsPerGroup} × the deliveries committed (${rose} vs ${shape.alertsPerGroup} × ${d} = ${shape.alertsPerGroup * d})`,
    ),
    check(after.events === before.events, `a repeat adds no timeline event (${after.events - before.events} added)`),
  ];
}

export async function verifyDistinct(
  pool: pg.Pool,
  integrationId: string,
  before: IntegrationSnapshot,
  after: IntegrationSnapshot,
  result: LoadResult,
  connections: number,
): Promise<Check[]> {
  const d = after.deliveriesOk - before.deliveriesOk;
  const { rows } = await pool.query(
    `select count(*)::int as n, count(distinct group_key)::int as groups,
            count(*) filter (where alert_count <> 2 or firing_count <> 2 or status <> 'triggered')::int as odd
       from incidents where integration_id = $1`,
    [integrationId],
  );
  const stats = rows[0] as { n: number; groups: number; odd: number };
  return [
    inFlight('deliveries', d, result, connections),
    check(
      after.deliveriesOther === before.deliveriesOther,
      `no failed deliveries recorded (${after.deliveriesOther - before.deliveriesOther} new)`,
    ),
    check(
      after.incidents - before.incidents === d,
      `one new incident per delivery (${after.incidents - before.incidents} incidents, ${d} deliveries)`,
    ),
    check(after.alerts - before.alerts === 2 * d, `two new alerts per delivery (${after.alerts - before.alerts} alerts)`),
    check(stats.groups === stats.n, `every incident has its own group (${stats.groups} groups, ${stats.n} incidents)`),
    check(stats.odd === 0, `every incident is triggered with 2 firing alerts (${stats.odd} not)`),
  ];
}

export function verifyInsert(before: number, after: number, result: LoadResult, connections: number): Check[] {
  return [inFlight('rows inserted', after - before, result, connections)];
}

/** Every run, the ceilings' too: any non-2xx answer or connection error fails the benchmark. */
export function verifyClean(result: LoadResult): Check {
  const codes = Object.entries(result.statusCodes)
    .filter(([c]) => !c.startsWith('2'))
    .map(([c, n]) => `${c}×${n}`);
  return check(
    result.non2xx === 0 && result.errors === 0 && result.ok > 0,
    `${result.ok} 2xx, ${result.non2xx} non-2xx${codes.length ? ` (${codes.join(', ')})` : ''}, ${result.errors} errors (${result.timeouts} timeouts)`,
  );
}
