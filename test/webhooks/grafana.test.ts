import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { buildTestApp, createIntegration } from '../helper.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/ingest/grafana/${name}`, import.meta.url), 'utf8');
const shared = buildTestApp(t);
const json = { 'content-type': 'application/json' };

t.test('Grafana webhook: fire a group, repeat it, resolve it', async (t) => {
  const { app, auth } = await shared;
  const admin = await auth('admin');
  const g = await createIntegration(app, admin, { name: 'grafana', kind: 'grafana' });
  t.match(g.webhookUrl, /\/v1\/webhooks\/grafana$/);
  const post = async (file: string) => {
    const res = await app.inject({ method: 'POST', url: `/v1/webhooks/grafana/${g.key}`, headers: json, payload: await fixture(file) });
    t.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const fired = await post('firing.json');
  t.same(
    fired.alerts.map((a: any) => [a.identity, a.outcome]),
    [
      ['6f3c1e0ab2d94c57', 'created'],
      ['a0b1c2d3e4f50617', 'updated'],
    ],
  );
  t.same(
    (await post('firing.json')).alerts.map((a: any) => a.outcome),
    ['duplicate', 'duplicate'],
  );
  const incident = (await app.inject({ url: `/v1/incidents/${fired.alerts[0].incidentId}`, headers: admin })).json();
  t.match(incident, { status: 'triggered', severity: 'SEV2', title: 'p99 latency above 2s' });
  t.same(
    (await post('resolved.json')).alerts.map((a: any) => a.outcome),
    ['resolved', 'resolved'],
  );
  t.equal((await app.inject({ url: `/v1/incidents/${fired.alerts[0].incidentId}`, headers: admin })).json().status, 'resolved');
});

t.test('a Grafana body on the Alertmanager endpoint is read as Grafana (links kept)', async (t) => {
  const { app, auth, handle } = await shared;
  const admin = await auth('admin');
  const am = await createIntegration(app, admin, { name: 'am gets grafana', kind: 'alertmanager' });
  const res = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/alertmanager/${am.key}`,
    headers: json,
    payload: await fixture('firing.json'),
  });
  t.equal(res.statusCode, 200);
  const alert = await handle.db
    .selectFrom('alerts')
    .selectAll()
    .where('integration_id', '=', am.id)
    .where('identity', '=', '6f3c1e0ab2d94c57')
    .executeTakeFirstOrThrow();
  t.match(alert.annotations, { panelURL: /viewPanel=4/, silenceURL: /silence/ });
});

t.test('signed Grafana integration: X-Grafana-Alerting-Signature checked; replays with a timestamp change nothing', async (t) => {
  const { app, auth } = await shared;
  const admin = await auth('admin');
  const g = await createIntegration(app, admin, { name: 'grafana signed', kind: 'grafana', signed: true });
  const body = await fixture('firing.json');
  const send = (headers: Record<string, string>, payload = body) =>
    app.inject({
      method: 'POST',
      url: '/v1/webhooks/grafana',
      headers: { ...json, authorization: `Bearer ${g.key}`, ...headers },
      payload,
    });
  const unsigned = await send({});
  t.equal(unsigned.statusCode, 401);
  t.equal(unsigned.json().code, 'KLX_INVALID_SIGNATURE');
  t.match(unsigned.headers['content-type'], /problem\+json/);
  const wrong = await send({ 'x-grafana-alerting-signature': createHmac('sha256', 'other').update(body).digest('hex') });
  t.equal(wrong.statusCode, 401);
  const mac = createHmac('sha256', g.signingSecret!).update(body).digest('hex');
  t.equal((await send({ 'x-grafana-alerting-signature': mac })).statusCode, 200);
  const ts = String(Math.floor(Date.now() / 1000));
  const timed = createHmac('sha256', g.signingSecret!).update(`${ts}:${body}`).digest('hex');
  const first = await send({ 'x-grafana-alerting-signature': timed, 'x-grafana-alerting-timestamp': ts });
  t.equal(first.statusCode, 200);
  const replay = await send({ 'x-grafana-alerting-signature': timed, 'x-grafana-alerting-timestamp': ts });
  t.equal(replay.statusCode, 200);
  t.equal(replay.json().replay, true);
});

t.test('hostile Grafana bodies: 4xx problems, never a 5xx', async (t) => {
  const { app, auth } = await shared;
  const admin = await auth('admin');
  const g = await createIntegration(app, admin, { name: 'grafana hostile', kind: 'grafana' });
  const base = JSON.parse(await fixture('firing.json'));
  const bodies = [
    '{',
    '[]',
    JSON.stringify({ ...base, alerts: 'x' }),
    JSON.stringify({ ...base, alerts: [{ ...base.alerts[0], fingerprint: 'f'.repeat(10_000) }] }),
    JSON.stringify({
      ...base,
      alerts: [{ ...base.alerts[0], fingerprint: '\ud800\u0000', dashboardURL: '\u0000', values: { A: 'x' }, valueString: 7 }],
    }),
    JSON.stringify({ ...base, alerts: [{ ...base.alerts[0], labels: null }] }),
  ];
  for (const payload of bodies) {
    const res = await app.inject({ method: 'POST', url: `/v1/webhooks/grafana/${g.key}`, headers: json, payload });
    t.ok(res.statusCode === 200 || (res.statusCode >= 400 && res.statusCode < 500), `${res.statusCode} ${res.body.slice(0, 160)}`);
    if (res.statusCode >= 400) t.match(res.headers['content-type'], /problem\+json/);
  }
  const wrongKind = await app.inject({
    method: 'POST',
    url: '/v1/webhooks/grafana',
    headers: { ...json, authorization: `Bearer ${(await createIntegration(app, admin, { name: 'x', kind: 'alertmanager' })).key}` },
    payload: JSON.stringify(base),
  });
  t.equal(wrongKind.statusCode, 401);
});
