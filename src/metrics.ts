/**
 * Prometheus metrics (prom-client). Two kinds:
 * - in this process: alerts ingested by source and outcome (counted after the delivery's
 *   transaction committed, so a retried transaction counts once), HTTP request latency;
 * - from the database at scrape time, shared by every Klaxon process on it: incidents opened
 *   by severity, open incidents by severity and status, and the time-to-acknowledge and
 *   time-to-resolve histograms. Several replicas report the same values: aggregate with max().
 */
import { sql } from 'kysely';
import client, { type MetricValueWithName } from 'prom-client';
import type { Db } from './db/client.js';
import { INCIDENT_STATUSES, SEVERITIES } from './vocabulary.js';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'klaxon_' });

export const alertsIngested = new client.Counter({
  name: 'klaxon_alerts_ingested_total',
  help: 'Alerts received in webhook deliveries, by source and what each did',
  labelNames: ['source', 'outcome'] as const,
  registers: [registry],
});

export const openPath = new client.Counter({
  name: 'klaxon_open_path_deliveries_total',
  help: 'Deliveries of new firing alerts tried on the batched open path: applied, sent down the full path (fallback), or failed (the transaction errored; full path)',
  labelNames: ['result'] as const,
  registers: [registry],
});

export const repeatPath = new client.Counter({
  name: 'klaxon_repeat_path_deliveries_total',
  help: 'Deliveries tried on the one-statement repeat path: applied, sent down the full path (fallback), or failed (the statement errored; full path)',
  labelNames: ['result'] as const,
  registers: [registry],
});

export const requestDuration = new client.Histogram({
  name: 'klaxon_http_request_duration_seconds',
  help: 'HTTP request latency, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

/** Seconds: from 30 s to 3 days, around the seeds' targets (5 min, 15 min, 1 h, 4 h). */
export const DURATION_BUCKETS = [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200];

let source: Db | undefined;

/** The database the incident metrics are read from (the app sets it). */
export function readIncidentMetricsFrom(db: Db): void {
  source = db;
}

/** A metric computed by one query at scrape time. */
class DatabaseMetric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly read: (db: Db) => Promise<MetricValueWithName<string>[]>,
  ) {
    registry.registerMetric(this as never);
  }
  aggregator = 'max' as const;
  /** What prom-client's registry formats: name, help, type and the values. */
  async get() {
    const values = source ? await this.read(source) : [];
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
  reset(): void {}
}

new DatabaseMetric('klaxon_incidents_opened_total', 'Incidents opened (by alerts or declared), by severity', 'counter', async (db) => {
  const rows = await db
    .selectFrom('incidents')
    .select(['severity', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('severity')
    .execute();
  const by = new Map(rows.map((r) => [r.severity, Number(r.n)]));
  return SEVERITIES.map((severity) => ({ labels: { severity }, value: by.get(severity) ?? 0 }));
});

new DatabaseMetric('klaxon_open_incidents', 'Incidents not resolved, by severity and status', 'gauge', async (db) => {
  const rows = await db
    .selectFrom('incidents')
    .select(['severity', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '<>', 'resolved')
    .groupBy(['severity', 'status'])
    .execute();
  const by = new Map(rows.map((r) => [`${r.severity}/${r.status}`, Number(r.n)]));
  return SEVERITIES.flatMap((severity) =>
    INCIDENT_STATUSES.filter((s) => s !== 'resolved').map((status) => ({
      labels: { severity, status },
      value: by.get(`${severity}/${status}`) ?? 0,
    })),
  );
});

/** A histogram of (end − opened_at) over every incident that has an end, per severity. */
function durationHistogram(name: string, help: string, end: 'acknowledged_at' | 'resolved_at') {
  new DatabaseMetric(name, help, 'histogram', async (db) => {
    const buckets = DURATION_BUCKETS.map((le, i) => sql`count(*) filter (where d <= ${le})::int as ${sql.ref(`b${i}`)}`);
    const { rows } = await sql<Record<string, number> & { severity: string; n: number; total: number }>`
      select severity, count(*)::int as n, coalesce(sum(d), 0)::float8 as total, ${sql.join(buckets)}
      from (select severity, extract(epoch from ${sql.ref(end)} - opened_at) as d from incidents where ${sql.ref(end)} is not null) x
      group by severity`.execute(db);
    const by = new Map(rows.map((r) => [r.severity, r]));
    return SEVERITIES.flatMap((severity) => {
      const r = by.get(severity);
      return [
        ...DURATION_BUCKETS.map((le, i) => ({
          metricName: `${name}_bucket`,
          labels: { severity, le },
          value: Number(r?.[`b${i}`] ?? 0),
        })),
        { metricName: `${name}_bucket`, labels: { severity, le: '+Inf' }, value: Number(r?.n ?? 0) },
        { metricName: `${name}_sum`, labels: { severity }, value: Number(r?.total ?? 0) },
        { metricName: `${name}_count`, labels: { severity }, value: Number(r?.n ?? 0) },
      ];
    });
  });
}

durationHistogram('klaxon_incident_acknowledge_seconds', 'Time from opening to the first acknowledgement, by severity', 'acknowledged_at');
durationHistogram('klaxon_incident_resolve_seconds', 'Time from opening to resolution, by severity', 'resolved_at');
