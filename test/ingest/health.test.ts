import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { Value } from 'typebox/value';
import type { HealthFormat } from '../../src/db/schema.js';
import { adaptHealth, HealthCheckSchema, parseGatusLeniently } from '../../src/ingest/health/index.js';
import { type AdapterResult, type NormalizedAlert, PayloadError } from '../../src/ingest/types.js';

const text = (name: string): string => readFileSync(new URL(`../fixtures/ingest/health/${name}`, import.meta.url), 'utf8');
const load = (name: string): any => JSON.parse(text(name));
const receivedAt = new Date('2026-11-22T10:50:00Z');

/** As the route calls it: parsed body (or undefined/string when there was no JSON Content-Type) plus raw text. */
const adapt = (body: unknown, rawBody = JSON.stringify(body) ?? '', format?: HealthFormat): AdapterResult =>
  adaptHealth(body, { receivedAt, rawBody, ...(format ? { format } : {}) });

function one(res: AdapterResult): NormalizedAlert {
  if (res.alerts.length !== 1 || !res.alerts[0]) throw new Error(`expected one alert, got ${res.alerts.length} (${res.note})`);
  return res.alerts[0];
}

function problemsOf(body: unknown, rawBody?: string, format?: HealthFormat): Array<{ path: string; message: string }> {
  try {
    adapt(body, rawBody, format);
  } catch (err) {
    if (err instanceof PayloadError) return err.issues;
    throw err;
  }
  throw new Error('expected a PayloadError');
}
const issuesOf = (body: unknown, rawBody?: string, format?: HealthFormat): string[] => problemsOf(body, rawBody, format).map((i) => i.path);

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
  const tags = [
    { name: 'env', value: 'prod' },
    { name: 'env', value: 'dr' },
    { name: '', value: 'x' },
    { name: 'nul\u0000', value: '' },
  ];
  t.same(
    one(adapt({ ...body, monitor: { ...body.monitor, tags } })).labels,
    { env: 'dr,prod', monitor_type: 'http', monitor_id: '7' },
    'repeated tags join; unusable tags are dropped, not fatal',
  );
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
  t.throws(() => JSON.parse(raw), SyntaxError, 'the fixture really is invalid JSON');
  const a = one(adapt(undefined, raw));
  t.equal(a.identity, 'gatus:core/api "v2"');
  t.equal(a.status, 'firing');
  t.equal(a.annotations['message'], 'disk C:\\data\\x is "full"');
  t.same(parseGatusLeniently('{"source":"gatus","name":"a","status":"RESOLVED"}'), { source: 'gatus', name: 'a', status: 'RESOLVED' });
  t.equal(parseGatusLeniently('{"name":"a "b"","status":"x"}'), undefined, 'only bodies marked source gatus or with TRIGGERED/RESOLVED');
});

t.test('unrecognised or broken bodies', async (t) => {
  t.same(issuesOf({ foo: 1 }), ['']);
  t.same(issuesOf(undefined, ''), ['']);
  t.same(issuesOf(undefined, '{"check_id": "x", '), ['']);
  t.same(issuesOf(undefined, '[1,2]'), ['']);
  t.same(issuesOf(42, '42'), ['']);
});

// ---- Bodies recognised by what senders' templates produce (see test/fixtures/ingest/README.md) ----

const UUID = '803f680d-e89b-492b-82ef-2be7b774a92d';
const NO_UUID = 'no check uuid ($CODE) under code, uuid, check_uuid, check_code or id and no $JSON check object';
const NO_GATUS_STATE =
  'no TRIGGERED or RESOLVED ([ALERT_TRIGGERED_OR_RESOLVED]) under status, state, alert, alert_state, alertState or event';

/** The per-format reasons of an "unrecognised" refusal, in the order they are listed. */
function reasonsOf(body: unknown, rawBody?: string): string[] {
  const problems = problemsOf(body, rawBody);
  const m = /^unrecognised health payload; tried (.*)$/.exec(problems[0]?.message ?? '');
  if (problems.length !== 1 || problems[0]?.path !== '' || !m?.[1])
    throw new Error(`not one "unrecognised" issue: ${JSON.stringify(problems)}`);
  return m[1].split('; ');
}

type Outcome = { identity: string; status: string; title: string } | { note: string } | { rejected: string[] };

function outcomeOf(file: string): Outcome {
  const raw = text(file);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    body = undefined; // as the route hands over a body that is not JSON
  }
  try {
    const res = adapt(body, raw);
    const a = res.alerts[0];
    return a ? { identity: a.identity, status: a.status, title: a.title } : { note: res.note ?? '' };
  } catch (err) {
    if (!(err instanceof PayloadError)) throw err;
    return { rejected: err.issues.map((i) => i.message) };
  }
}

const unrecognised = (...reasons: string[]) => ({ rejected: [`unrecognised health payload; tried ${reasons.join('; ')}`] });

const FIXTURES: Record<string, Outcome> = {
  'generic-down.json': {
    identity: 'check:checkout-https',
    status: 'firing',
    title: 'Checkout HTTPS is down: GET /health returned 503 after 2.1s',
  },
  'generic-degraded.json': { identity: 'check:checkout-https', status: 'firing', title: 'checkout-https is degraded: p95 1.8s' },
  'generic-up.json': { identity: 'check:checkout-https', status: 'resolved', title: 'Checkout HTTPS is up' },
  'generic-maintenance.json': { note: 'health check check:checkout-https: status maintenance; no alert change' },
  'kuma-down.json': { identity: 'kuma:7', status: 'firing', title: 'Checkout API is down: connect ECONNREFUSED 10.0.0.5:443' },
  'kuma-up.json': { identity: 'kuma:7', status: 'resolved', title: 'Checkout API is up: 200 - OK' },
  'kuma-port-pending.json': { note: 'uptime kuma kuma:9: status pending; no alert change' },
  'kuma-test.json': { note: 'Uptime Kuma message without heartbeat or monitor (test button or notice): Uptime Kuma Testing' },
  'hc-template-down.txt': { identity: 'hc:5b3e5f3c-9a2c-4c1e-8d7e-2f1a3b4c5d6e', status: 'firing', title: 'nightly-backup "db" is down' },
  'hc-template-up.txt': { identity: 'hc:5b3e5f3c-9a2c-4c1e-8d7e-2f1a3b4c5d6e', status: 'resolved', title: 'nightly-backup "db" is up' },
  'hc-json-check.json': {
    identity: 'hc:5b3e5f3c-9a2c-4c1e-8d7e-2f1a3b4c5d6e',
    status: 'firing',
    title: 'nightly-backup is down: Runs pg_dump of the orders database',
  },
  'hc-json-v3.txt': { identity: `hc:${UUID}`, status: 'firing', title: 'Database Backup is down: Runs ~/db-backup.sh' },
  'hc-docs-nested-json-down.txt': { identity: `hc:${UUID}`, status: 'firing', title: 'Database Backup is down: Runs ~/db-backup.sh' },
  'hc-docs-nested-json-up.txt': { identity: `hc:${UUID}`, status: 'resolved', title: 'Database Backup is up: Runs ~/db-backup.sh' },
  'hc-placeholder-status.txt': unrecognised(
    'generic: no check_id',
    'uptime-kuma: no heartbeat and monitor',
    `healthchecks: status down but ${NO_UUID}`,
    'gatus: /status is "down", not TRIGGERED or RESOLVED ([ALERT_TRIGGERED_OR_RESOLVED])',
  ),
  'hc-docs-name-json.txt': unrecognised(
    'generic: no check_id',
    'uptime-kuma: no heartbeat and monitor',
    `healthchecks: ${NO_UUID}`,
    `gatus: ${NO_GATUS_STATE}`,
  ),
  'gatus-triggered.txt': { identity: 'gatus:core/api', status: 'firing', title: 'core/api is down: healthcheck failed 3 times in a row' },
  'gatus-resolved.txt': { identity: 'gatus:core/api', status: 'resolved', title: 'core/api is up: healthcheck failed 3 times in a row' },
  'gatus-invalid.txt': { identity: 'gatus:core/api "v2"', status: 'firing', title: 'core/api "v2" is down: disk C:\\data\\x is "full"' },
  'gatus-relay-triggered.json': { identity: 'gatus:core/website', status: 'firing', title: 'core/website is down: health check failed' },
  'gatus-relay-resolved.json': { identity: 'gatus:core/website', status: 'resolved', title: 'core/website is up: health check failed' },
  'gatus-relay-invalid.txt': { identity: 'gatus:core/website', status: 'firing', title: 'core/website is down: [BODY].status is not "UP"' },
  'gatus-camelcase.json': { identity: 'gatus:core/website', status: 'firing', title: 'core/website is down: Loxep fleet evidence' },
  'gatus-short-keys.json': { identity: 'gatus:core/website', status: 'resolved', title: 'core/website is up: health check failed' },
  'gatus-n8n-alert-state.json': {
    identity: 'gatus:media/audiobookshelf',
    status: 'firing',
    title: 'media/audiobookshelf is down: audiobookshelf is down',
  },
  'gatus-endpoint-group-alert.json': { identity: 'gatus:core/api-gateway', status: 'firing', title: 'core/api-gateway is down' },
  'gatus-endpoint-state.json': { identity: 'gatus:/kodemeio-web-local', status: 'firing', title: 'kodemeio-web-local is down' },
  'gatus-readme-slack.json': unrecognised(
    'generic: no check_id',
    'uptime-kuma: no heartbeat and monitor',
    `healthchecks: ${NO_UUID}`,
    'gatus: [ALERT_TRIGGERED_OR_RESOLVED] only inside the free text of /text: send it and [ENDPOINT_NAME] under their own keys',
  ),
};

t.test('every recorded fixture, recognised without a pin', async (t) => {
  const dir = new URL('../fixtures/ingest/health/', import.meta.url);
  t.same(Object.keys(FIXTURES).sort(), readdirSync(dir).sort(), 'every fixture has an expected outcome');
  for (const [file, expected] of Object.entries(FIXTURES)) t.same(outcomeOf(file), expected, file);
});

t.test('healthchecks.io: $JSON nested under any key', async (t) => {
  const down = one(adapt(undefined, text('hc-docs-nested-json-down.txt')));
  t.equal(down.identity, `hc:${UUID}`, 'uuid from $JSON');
  t.same(down.labels, { production: '', db: '' });
  t.equal(down.startsAt?.toISOString(), '2026-11-22T05:37:00.000Z', '$NOW beside it is the observation time');
  t.equal(down.annotations['message'], 'Runs ~/db-backup.sh');
  const up = one(adapt(undefined, text('hc-docs-nested-json-up.txt')));
  t.equal(up.identity, down.identity);
  t.equal(up.endsAt?.toISOString(), '2026-11-22T06:02:12.000Z');

  const check = JSON.parse(text('hc-json-v3.txt'));
  const text_ = one(adapt({ text: 'Database Backup is down', data: check }));
  t.same([text_.identity, text_.status], [`hc:${UUID}`, 'firing'], '{"text": "...", "data": $JSON}');
  const deep = one(adapt({ event: { kind: 'flip', payload: { check } } }));
  t.same([deep.identity, deep.status], [`hc:${UUID}`, 'firing'], 'two levels down');
  const fromPingUrl = one(adapt({ check: { ...check, uuid: undefined } }));
  t.equal(fromPingUrl.identity, `hc:${UUID}`, 'older versions: uuid from ping_url');

  const late = one(adapt({ status: 'up', check }));
  t.equal(late.status, 'resolved', "a top-level $STATUS wins over the check object's status, read at send time");
  t.equal(one(adapt({ status: 'flip', check })).status, 'firing', 'a top-level status that is not up/down is not $STATUS');
  t.match(adapt({ check: { ...check, status: 'paused' } }).note, /hc:803f680d-e89b-492b-82ef-2be7b774a92d: status paused; no alert change/);
});

t.test('healthchecks.io: refusals name the path', async (t) => {
  const check = JSON.parse(text('hc-json-v3.txt'));
  const other = '5b3e5f3c-9a2c-4c1e-8d7e-2f1a3b4c5d6e';
  t.same(problemsOf({ code: other, status: 'down', check }), [
    {
      path: '/code',
      message: `is ${other} but the $JSON check object at /check is ${UUID} — read as healthchecks, recognised by the $JSON check object at /check`,
    },
  ]);
  t.same(issuesOf({ a: check, b: { ...check, uuid: other, ping_url: `https://hc-ping.com/${other}` } }), ['/b'], 'two check objects');
  t.same(issuesOf({ check: { ...check, uuid: 'x', ping_url: 'https://hc-ping.com/x', update_url: 'y' } }), ['/check/ping_url']);
  t.same(issuesOf({ source: 'healthchecks', code: UUID, status: 'late' }), ['/status'], 'a template $STATUS is up or down');
  t.same(issuesOf({ source: 'healthchecks', code: UUID, status: 'down', now: 'today' }), ['/now']);
  t.equal(one(adapt({ id: 42, status: 'sent', check })).identity, `hc:${UUID}`, "a wrapper's own id and status are not $CODE and $STATUS");
  t.same(issuesOf({ id: 42, status: 'down' }, undefined, 'healthchecks'), ['/id']);
});

t.test('healthchecks.io: key names people use for $CODE, $STATUS, $NAME_JSON and $NOW', async (t) => {
  for (const codeKey of ['code', 'uuid', 'check_uuid', 'check_code', 'id']) {
    for (const statusKey of ['status', 'state', 'event', 'check_status']) {
      const a = one(adapt({ [codeKey]: UUID.toUpperCase(), [statusKey]: 'down' }));
      t.same([a.identity, a.status, a.title], [`hc:${UUID}`, 'firing', `${UUID} is down`], `${codeKey} + ${statusKey}`);
    }
  }
  for (const [nameKey, nowKey] of [
    ['name', 'now'],
    ['check_name', 'time'],
    ['name', 'timestamp'],
    ['check_name', 'date'],
  ] as const) {
    const a = one(
      adapt({ id: UUID, state: 'UP', [nameKey]: 'Database Backup', [nowKey]: '2026-11-22T06:02:12+00:00', tags: 'production service:db' }),
    );
    t.same(
      [a.status, a.title, a.endsAt?.toISOString(), a.service, a.labels],
      ['resolved', 'Database Backup is up', '2026-11-22T06:02:12.000Z', 'db', { production: '', service: 'db' }],
      `${nameKey} + ${nowKey}`,
    );
  }
  t.same(
    reasonsOf({ uuid: UUID, name: 'x' })[2],
    'healthchecks: a check uuid at /uuid but no $STATUS up/down under status, state, event or check_status',
  );
});

t.test('Gatus: key names people use for its placeholders', async (t) => {
  const variants: Array<Record<string, string>> = [
    { endpoint_name: 'api', endpoint_group: 'core', status: 'TRIGGERED' },
    { endpointName: 'api', endpointGroup: 'core', alertState: 'TRIGGERED' },
    { name: 'api', group: 'core', state: 'triggered' },
    { endpoint: 'api', group: 'core', alert: 'TRIGGERED' },
    { endpoint_name: 'api', group: 'core', alert_state: 'TRIGGERED' },
    { endpoint_name: 'api', endpoint_group: 'core', event: 'TRIGGERED' },
  ];
  for (const body of variants) {
    const a = one(adapt(body));
    t.same(
      [a.identity, a.status, a.labels],
      ['gatus:core/api', 'firing', { group: 'core', endpoint: 'api' }],
      Object.keys(body).join(', '),
    );
  }
  const full = one(adapt(load('gatus-relay-triggered.json')));
  t.same(
    full.annotations,
    {
      errors: 'Get "https://twin.sh/health": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
      message: 'health check failed',
      target: 'https://twin.sh/health',
    },
    '[RESULT_ERRORS], [ALERT_DESCRIPTION] and [ENDPOINT_URL]',
  );
  t.equal(full.url, 'https://twin.sh/health');
  const noDescription = one(adapt({ endpoint_name: 'api', status: 'TRIGGERED', result_errors: 'connection refused' }));
  t.equal(noDescription.title, 'api is down: connection refused', 'errors stand in for a missing description');
  t.same(issuesOf({ endpoint_name: '', status: 'RESOLVED' }), ['/endpoint_name']);
});

t.test('Gatus: invalid JSON without the source marker, recognised by TRIGGERED/RESOLVED', async (t) => {
  const raw = text('gatus-relay-invalid.txt');
  t.throws(() => JSON.parse(raw), SyntaxError, 'the fixture really is invalid JSON');
  t.same(parseGatusLeniently(raw), {
    endpoint_name: 'website',
    endpoint_group: 'core',
    endpoint_url: 'https://twin.sh/health',
    alert_description: '[BODY].status is not "UP"',
    status: 'TRIGGERED',
    result_errors: '',
  });
  t.same(
    parseGatusLeniently('{"endpoint": "a "b"", "priority": 3, "state": "RESOLVED"}'),
    { endpoint: 'a "b"', priority: '3', state: 'RESOLVED' },
    'unknown keys end the value before them',
  );
  t.equal(parseGatusLeniently('{"endpoint": "a "b"", "state": "down"}'), undefined, "not Gatus's without a pin");
  t.same(parseGatusLeniently('{"endpoint": "a "b"", "state": "down"}', { pinned: true }), { endpoint: 'a "b"', state: 'down' });
  t.same(issuesOf(undefined, '{"endpoint": "a "b"", "state": "down"}'), [''], 'not valid JSON');
});

t.test('ambiguous bodies are refused, not guessed', async (t) => {
  t.same(problemsOf({ check_id: 'api', name: 'api', status: 'TRIGGERED' }), [
    {
      path: '',
      message:
        "ambiguous health payload: it has the signals of generic (check_id) and gatus (status TRIGGERED); pin the integration's format to the one it is",
    },
  ]);
  t.same(problemsOf({ check_id: 'backup', id: UUID, status: 'down' }), [
    {
      path: '',
      message:
        'ambiguous health payload: it has the signals of generic (check_id) and healthchecks (a check uuid at /id and $STATUS down at /status); ' +
        "pin the integration's format to the one it is",
    },
  ]);
  t.equal(one(adapt({ check_id: UUID, status: 'down' })).identity, `check:${UUID}`, 'check_id is not a healthchecks code key');
  t.equal(
    one(adapt({ source: 'gatus', check_id: 'x', name: 'api', status: 'TRIGGERED' })).identity,
    'gatus:/api',
    'the source marker decides alone',
  );
  t.equal(one(adapt({ check_id: 'x', status: 'down' }, undefined, 'generic')).identity, 'check:x');
  t.equal(one(adapt({ check_id: 'api', name: 'api', status: 'TRIGGERED' }, undefined, 'gatus')).identity, 'gatus:/api', 'a pin settles it');
});

t.test('unrecognised bodies: the 400 lists each format and what it missed', async (t) => {
  t.same(reasonsOf({ foo: 1 }), [
    'generic: no check_id',
    'uptime-kuma: no heartbeat and monitor',
    `healthchecks: ${NO_UUID}`,
    `gatus: ${NO_GATUS_STATE}`,
  ]);
  t.same(
    reasonsOf({ name: 'api', status: 'partial_outage' }),
    [
      'generic: no check_id',
      'uptime-kuma: no heartbeat and monitor',
      `healthchecks: ${NO_UUID}`,
      'gatus: /status is "partial_outage", not TRIGGERED or RESOLVED ([ALERT_TRIGGERED_OR_RESOLVED])',
    ],
    'custom placeholder values are named',
  );
  t.same(reasonsOf({ heartbeat: {} }).slice(0, 2), ['generic: no check_id', 'uptime-kuma: no heartbeat and monitor']);
  t.same(
    reasonsOf({ state: { kind: 'flip' } })[3],
    'gatus: /state is an object, not TRIGGERED or RESOLVED ([ALERT_TRIGGERED_OR_RESOLVED])',
  );
});

t.test('a pinned format runs only its decoder and reports its errors', async (t) => {
  const generic = { check_id: 'api-ping', status: 'down' };
  t.same(problemsOf(generic, undefined, 'gatus'), [
    {
      path: '/name',
      message:
        "is required: the endpoint name ([ENDPOINT_NAME]) under endpoint_name, endpointName, name or endpoint — read as gatus, the integration's pinned format",
    },
  ]);
  t.same(issuesOf(generic, undefined, 'healthchecks'), ['/code']);
  t.same(issuesOf(generic, undefined, 'uptime-kuma'), ['/heartbeat', '/monitor']);
  t.same(issuesOf(load('gatus-relay-triggered.json'), undefined, 'generic'), ['/check_id', '/status']);
  t.same(issuesOf({ endpoint_name: 'api', status: 'partial_outage' }, undefined, 'gatus'), ['/status']);

  t.equal(one(adapt(load('kuma-down.json'), undefined, 'uptime-kuma')).identity, 'kuma:7');
  t.same(adapt({ msg: 'Uptime Kuma Testing' }, undefined, 'uptime-kuma').alerts, [], 'the Test button still opens nothing');
  t.equal(one(adapt(undefined, text('hc-template-down.txt'), 'healthchecks')).identity, 'hc:5b3e5f3c-9a2c-4c1e-8d7e-2f1a3b4c5d6e');
  t.same(issuesOf({ uuid: UUID }, undefined, 'healthchecks'), ['/status'], 'a pinned healthchecks body still needs $STATUS or $JSON');
  const raw = '{"endpoint": "api "v2"", "state": "down"}';
  t.same(issuesOf(undefined, raw), [''], 'without a pin: not valid JSON');
  const pinned = one(adapt(undefined, raw, 'gatus'));
  t.same([pinned.identity, pinned.status], ['gatus:/api "v2"', 'firing'], 'pinned gatus reads any flat object body leniently');
  t.equal(one(adapt({ check_id: 'x', status: 'down' }, undefined, 'auto')).identity, 'check:x', 'auto is recognition');
});
