/** GET /v1/stats on a known set of incidents, and GET /metrics in Prometheus text format. */
import { sql } from 'kysely';
import t from 'tap';
import { buildTestApp, createIntegration } from '../helper.js';

const base = Date.parse('2026-06-01T00:00:00Z');
const at = (minutes: number) => new Date(base + minutes * 60_000);

t.test('stats: counts, time to acknowledge and resolve, share within target', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const viewer = await auth('viewer');
  // severity, service, ack after (min), resolve after (min), status
  const known: [string, string, number | null, number | null, string][] = [
    ['SEV1', 'checkout', 2, 30, 'resolved'], // within 5 min
    ['SEV1', 'checkout', 10, 60, 'resolved'], // late
    ['SEV1', 'search', 4, null, 'investigating'],
    ['SEV2', 'checkout', 14, 100, 'resolved'], // within 15 min
    ['SEV3', 'checkout', null, null, 'triggered'], // unacknowledged, long past 1 h: due and missed
  ];
  let n = 0;
  for (const [severity, service, ack, res, status] of known) {
    n++;
    await handle.db
      .insertInto('incidents')
      .values({
        group_key: `g${n}`,
        title: `i${n}`,
        status: status as 'resolved',
        severity: severity as 'SEV1',
        severity_reason: 'test',
        service,
        opened_at: at(n),
        acknowledged_at: ack === null ? null : at(n + ack),
        resolved_at: res === null ? null : at(n + res),
      })
      .execute();
  }
  // Outside the window: not counted.
  await sql`insert into incidents (group_key, title, status, severity, severity_reason, opened_at)
    values ('old', 'old', 'resolved', 'SEV1', 'test', ${at(-100_000)})`.execute(handle.db);

  const get = async (query: string) => {
    const res = await app.inject({ url: `/v1/stats?${query}`, headers: viewer });
    t.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const window = `from=${at(0).toISOString()}&to=${at(1000).toISOString()}`;
  const s = await get(window);
  t.equal(s.total, 5);
  t.same(s.bySeverity, { SEV1: 3, SEV2: 1, SEV3: 1, SEV4: 0 });
  t.same(s.byStatus, { triggered: 1, acknowledged: 0, investigating: 1, identified: 0, mitigating: 0, resolved: 3 });
  t.same(s.timeToAcknowledge.SEV1, { count: 3, meanSeconds: 320, p50Seconds: 240, p90Seconds: 528 });
  t.same(s.timeToResolve.SEV1, { count: 2, meanSeconds: 2700, p50Seconds: 2700, p90Seconds: 3420 });
  t.same(s.timeToAcknowledge.SEV3, { count: 0, meanSeconds: null, p50Seconds: null, p90Seconds: null });
  t.same(s.acknowledgedWithinTarget.SEV1, { due: 3, met: 2, share: 0.667 });
  t.same(s.acknowledgedWithinTarget.SEV3, { due: 1, met: 0, share: 0 });
  t.same(s.acknowledgedWithinTarget.all, { due: 5, met: 3, share: 0.6 });
  t.same(s.acknowledgedWithinTarget.SEV4, { due: 0, met: 0, share: null });

  const checkout = await get(`${window}&service=checkout`);
  t.equal(checkout.total, 4);
  t.same(checkout.bySeverity, { SEV1: 2, SEV2: 1, SEV3: 1, SEV4: 0 });
  t.equal((await app.inject({ url: '/v1/stats?from=yesterday', headers: viewer })).statusCode, 400);
  t.equal((await app.inject({ url: '/v1/stats' })).statusCode, 401);
});

t.test('metrics: Prometheus text behind a viewer key, with ingestion and incident series', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const am = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  const before = await app.inject({ url: '/metrics', headers: admin });
  const count = (text: string, series: string) =>
    Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  const firing = 'klaxon_alerts_ingested_total{source="alertmanager",outcome="created"}';
  const res = await app.inject({
    method: 'POST',
    url: '/v1/webhooks/alertmanager',
    headers: { authorization: `Bearer ${am.key}` },
    payload: {
      version: '4',
      groupKey: 'g',
      status: 'firing',
      alerts: [{ status: 'firing', labels: { alertname: 'Down', severity: 'critical' }, startsAt: '2026-11-22T10:00:00Z' }],
    },
  });
  t.equal(res.statusCode, 200, res.body);

  t.equal((await app.inject({ url: '/metrics' })).statusCode, 401, 'a key is needed by default');
  const after = await app.inject({ url: '/metrics', headers: await auth('viewer') });
  t.equal(after.statusCode, 200);
  t.match(after.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  t.equal(count(after.body, firing) - count(before.body, firing), 1, 'the alert was counted');
  // Alertmanager's severity=critical is SEV2 by the default mapping (docs/integrations.md).
  t.equal(count(after.body, 'klaxon_open_incidents{severity="SEV2",status="triggered"}'), 1);
  t.equal(count(after.body, 'klaxon_incidents_opened_total{severity="SEV2"}'), 1);
  t.match(after.body, /^klaxon_incident_acknowledge_seconds_count\{severity="SEV2"\} 0$/m);
  t.match(after.body, /^klaxon_incident_acknowledge_seconds_bucket\{severity="SEV2",le="\+Inf"\} 0$/m);
  t.match(
    after.body,
    /^klaxon_http_request_duration_seconds_count\{method="POST",route="\/v1\/webhooks\/alertmanager",status_code="200"\} \d+$/m,
  );
  t.notMatch(after.body, am.key, 'no key in any label');

  // Acknowledged at once: one observation, in every bucket from 30 s up.
  const incidentId = res.json().alerts[0].incidentId;
  t.equal((await app.inject({ method: 'POST', url: `/v1/incidents/${incidentId}/acknowledge`, headers: admin })).statusCode, 200);
  const acked = (await app.inject({ url: '/metrics', headers: admin })).body;
  t.match(acked, /^klaxon_incident_acknowledge_seconds_count\{severity="SEV2"\} 1$/m);
  t.match(acked, /^klaxon_incident_acknowledge_seconds_bucket\{severity="SEV2",le="30"\} 1$/m);
  t.equal(count(acked, 'klaxon_open_incidents{severity="SEV2",status="acknowledged"}'), 1);
});

t.test('KLAXON_METRICS_PUBLIC=true serves /metrics without a key', async (t) => {
  const { app } = await buildTestApp(t, { config: { KLAXON_METRICS_PUBLIC: true } });
  const res = await app.inject({ url: '/metrics' });
  t.equal(res.statusCode, 200);
  t.match(res.body, /^# TYPE klaxon_open_incidents gauge$/m);
});
