import { readFileSync } from 'node:fs';
import t from 'tap';
import { Value } from 'typebox/value';
import { adaptHealth, HealthCheckSchema, parseGatusLeniently } from '../../src/ingest/health.js';
import { PayloadError, type AdapterResult, type NormalizedAlert } from '../../src/ingest/types.js';

const text = (name: string): string => readFileSync(new URL(`../fixtures/ingest/health/${name}`, import.meta.url), 'utf8');
const load = (name: string): any => JSON.parse(text(name));
const receivedAt = new Date('2026-11-22T10:50:00Z');

/** As the route calls it: parsed body (or undefined/string when there was no JSON Content-Type) plus raw text. */
const adapt = (body: unknown, rawBody = JSON.stringify(body) ?? ''): AdapterResult => adaptHealth(body, { receivedAt, rawBody });

function one(res: AdapterResult): NormalizedAlert {
  if (res.alerts.length !== 1 || !res.alerts[0]) throw new Error(`expected one alert, got ${res.alerts.length} (${res.note})`);
  return res.alerts[0];
}

function issuesOf(body: unknown, rawBody?: string): string[] {
  try {
    adapt(body, rawBody);
  } catch (err) {
    if (err instanceof PayloadError) return err.issues.map((i) => i.path);
    throw err;
  }
  throw new Error('expected a PayloadError');
}

t.test('Klaxon check: down, degraded, up', async (t) => {
  const down = one(adapt(load('generic-down.json')));
  t.equal(down.identity, 'check:checkout-https');
  t.equal(down.groupKey, 'check:checkout-https');
  t.equal(down.status, 'firing');
  t.equal(down.title, 'Checkout HTTPS is down: GET /health returned 503 after 2.1s');
  t.same(down.severity, { severity: 'SEV2', reason: 'health check: status down → SEV2' });
  t.same(down.labels, { env: 'prod', region: 'eu-west-1', check_id: 'checkout-https' });
  t.equal(down.service, 'checkout');
  t.equal(down.url, 'https://checkout.example/health');
  t.equal(down.startsAt?.toISOString(), '2026-11-22T09:30:00.250Z');
  t.equal(down.annotations['target'], 'https://checkout.example/health');

  const degraded = one(adapt(load('generic-degraded.json')));
  t.equal(degraded.status, 'firing');
  t.same(degraded.severity, { severity: 'SEV3', reason: 'health check: status degraded → SEV3' });
  t.equal(degraded.title, 'checkout-https is degraded: p95 1.8s', 'check_id when there is no name');
  t.equal(degraded.startsAt, null);

  const up = one(adapt(load('generic-up.json')));
  t.equal(up.identity, down.identity);
  t.equal(up.status, 'resolved');
  t.equal(up.endsAt?.toISOString(), '2026-11-22T10:42:00.000Z');
});

t.test('Klaxon check: maintenance and unknown change nothing', async (t) => {
  const res = adapt(load('generic-maintenance.json'));
  t.same(res.alerts, []);
  t.match(res.note, /check:checkout-https: status maintenance/);
  t.same(adapt({ check_id: 'x', status: 'unknown' }).alerts, []);
});

t.test('Klaxon check: validation', async (t) => {
  t.same(issuesOf({ check_id: 'x', status: 'sideways' }), ['/status']);
  t.same(issuesOf({ check_id: '', status: 'down' }), ['/check_id']);
  t.same(issuesOf({ check_id: 'x', status: 'down', tags: { a: 1 } }), ['/tags/a']);
  t.same(issuesOf({ check_id: 'x', status: 'down', observed_at: 'now' }), ['/observed_at']);
  t.same(issuesOf({ check_id: 'x', status: 'down', message: 'a\u0000' }), ['/message']);
  t.same(issuesOf({ check_id: 'x'.repeat(257), status: 'down' }), ['/check_id']);
});

t.test('HealthCheckSchema agrees with the adapter', async (t) => {
  t.equal((HealthCheckSchema as { $id?: string }).$id, 'HealthCheck', 'addSchema-able for OpenAPI components');
  for (const f of ['generic-down.json', 'generic-degraded.json', 'generic-up.json', 'generic-maintenance.json']) {
    t.ok(Value.Check(HealthCheckSchema, load(f)), f);
  }
  t.notOk(Value.Check(HealthCheckSchema, { check_id: 'x', status: 'sideways' }));
  t.notOk(Value.Check(HealthCheckSchema, { status: 'down' }));
  t.notOk(Value.Check(HealthCheckSchema, { check_id: 'x', status: 'down', tags: { a: 1 } }));
});

t.test('Uptime Kuma: down and up', async (t) => {
  const down = one(adapt(load('kuma-down.json')));
  t.equal(down.identity, 'kuma:7');
  t.equal(down.groupKey, 'kuma:7');
  t.equal(down.status, 'firing');
  t.equal(down.title, 'Checkout API is down: connect ECONNREFUSED 10.0.0.5:443');
  t.same(down.severity, { severity: 'SEV2', reason: 'uptime kuma: status down → SEV2' });
  t.equal(down.startsAt?.toISOString(), '2026-11-22T10:30:00.123Z', 'zone-less heartbeat.time is UTC');
  t.same(down.labels, { service: 'checkout', 'critical-path': '', monitor_type: 'http', monitor_id: '7' });
  t.equal(down.url, 'https://checkout.example/health');

  const up = one(adapt(load('kuma-up.json')));
  t.equal(up.identity, 'kuma:7');
  t.equal(up.status, 'resolved');
  t.equal(up.endsAt?.toISOString(), '2026-11-22T10:42:00.456Z');
});

t.test('Uptime Kuma: pending and maintenance change nothing; non-HTTP target', async (t) => {
  const pending = load('kuma-port-pending.json');
  const res = adapt(pending);
  t.same(res.alerts, []);
  t.match(res.note, /kuma:9: status pending/);
  pending.heartbeat.status = 3;
  t.match(adapt(pending).note, /maintenance/);
  pending.heartbeat.status = 0;
  const down = one(adapt(pending));
  t.equal(down.annotations['target'], 'redis.internal', 'the "https://" placeholder url is ignored');
  t.equal(down.url, undefined);
});

t.test('Uptime Kuma: Test button', async (t) => {
  const res = adapt(load('kuma-test.json'));
  t.same(res.alerts, []);
  t.match(res.note, /Uptime Kuma Testing/);
  t.same(adapt({ msg: 'Uptime Kuma Testing' }).alerts, [], 'null keys dropped by the sender');
});

t.test('Uptime Kuma: validation', async (t) => {
  const body = load('kuma-down.json');
  t.same(issuesOf({ ...body, heartbeat: { ...body.heartbeat, status: 7 } }), ['/heartbeat/status']);
  t.same(issuesOf({ ...body, monitor: {} }), ['/monitor/id']);
  t.same(issuesOf({ ...body, heartbeat: { ...body.heartbeat, time: 'soon' } }), ['/heartbeat/time']);
  const tags = [{ name: 'env', value: 'prod' }, { name: 'env', value: 'dr' }, { name: '', value: 'x' }, { name: 'nul\u0000', value: '' }];
  t.same(one(adapt({ ...body, monitor: { ...body.monitor, tags } })).labels,
    { env: 'dr,prod', monitor_type: 'http', monitor_id: '7' }, 'repeated tags join; unusable tags are dropped, not fatal');
});

t.test('healthchecks.io template with no Content-Type (raw body only)', async (t) => {
  const raw = text('hc-template-down.txt');
  const down = one(adapt(undefined, raw));
  t.equal(down.identity, 'hc:5b3e5f3c-9a2c-4c1e-8d7e-2f1a3b4c5d6e');
  t.equal(down.status, 'firing');
  t.equal(down.title, 'nightly-backup "db" is down');
  t.same(down.labels, { prod: '', backup: '', service: 'db' });
  t.equal(down.service, 'db');
  t.equal(down.startsAt?.toISOString(), '2026-11-22T03:15:00.000Z');
  t.same(one(adapt(raw, raw)), down, 'same when the route hands the text over as the body');
  t.same(one(adapt(raw.replace(/5b3e5f3c/g, '5B3E5F3C'), '')).identity, down.identity, 'uuid case is normalized');

  const up = one(adapt(undefined, text('hc-template-up.txt')));
  t.equal(up.identity, down.identity);
  t.equal(up.status, 'resolved');
  t.equal(up.endsAt?.toISOString(), '2026-11-22T04:01:07.000Z');
});

t.test('healthchecks.io $JSON check object', async (t) => {
  const body = load('hc-json-check.json');
  const a = one(adapt(body));
  t.equal(a.identity, 'hc:5b3e5f3c-9a2c-4c1e-8d7e-2f1a3b4c5d6e', 'uuid from ping_url');
  t.equal(a.title, 'nightly-backup is down: Runs pg_dump of the orders database');
  t.equal(a.status, 'firing');
  t.equal(one(adapt({ ...body, status: 'up' })).status, 'resolved');
  t.match(adapt({ ...body, status: 'grace' }).note, /status grace/);
  t.same(issuesOf({ ...body, ping_url: 'https://hc-ping.com/x', update_url: 'y' }), ['/ping_url']);
  t.same(issuesOf({ source: 'healthchecks', code: '$CODE', status: 'down' }), ['/code']);
});

t.test('Gatus custom alert', async (t) => {
  const raw = text('gatus-triggered.txt');
  const a = one(adapt(undefined, raw));
  t.equal(a.identity, 'gatus:core/api');
  t.equal(a.groupKey, 'gatus:core/api');
  t.equal(a.status, 'firing');
  t.equal(a.title, 'core/api is down: healthcheck failed 3 times in a row');
  t.same(a.labels, { group: 'core', endpoint: 'api' });
  t.equal(a.url, 'https://api.example/health');
  t.same(one(adapt(JSON.parse(raw), raw)), a, 'same when sent with Content-Type: application/json');

  const resolved = one(adapt(undefined, text('gatus-resolved.txt')));
  t.equal(resolved.identity, a.identity);
  t.equal(resolved.status, 'resolved');
  t.same(resolved.endsAt, receivedAt, 'Gatus sends no time: receipt time');
  t.same(issuesOf({ source: 'gatus', group: 'core', name: 'api', status: '[ALERT_TRIGGERED_OR_RESOLVED]' }), ['/status']);
  t.same(issuesOf({ source: 'gatus', group: 'core', status: 'TRIGGERED' }), ['/name']);
});

t.test('Gatus body that is not valid JSON', async (t) => {
  const raw = text('gatus-invalid.txt');
  t.throws(() => JSON.parse(raw), 'the fixture really is invalid JSON');
  const a = one(adapt(undefined, raw));
  t.equal(a.identity, 'gatus:core/api "v2"');
  t.equal(a.status, 'firing');
  t.equal(a.annotations['message'], 'disk C:\\data\\x is "full"');
  t.same(parseGatusLeniently('{"source":"gatus","name":"a","status":"RESOLVED"}'), { source: 'gatus', name: 'a', status: 'RESOLVED' });
  t.equal(parseGatusLeniently('{"name":"a "b"","status":"x"}'), undefined, 'only bodies marked source gatus');
});

t.test('unrecognised or broken bodies', async (t) => {
  t.same(issuesOf({ foo: 1 }), ['']);
  t.same(issuesOf(undefined, ''), ['']);
  t.same(issuesOf(undefined, '{"check_id": "x", '), ['']);
  t.same(issuesOf(undefined, '[1,2]'), ['']);
  t.same(issuesOf(42, '42'), ['']);
});
