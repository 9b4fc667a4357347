import { readFile } from 'node:fs/promises';
import t from 'tap';
import { buildTestApp, createIntegration } from '../helper.js';

const fixture = (path: string) => readFile(new URL(`../fixtures/ingest/${path}`, import.meta.url), 'utf8');

const outcomes = (res: { alerts: { outcome: string }[] }) => res.alerts.map((a) => a.outcome);

// One app and database for the file: each subtest works in integrations of its own
// (the one silence matches only env="staging", which no other subtest sends).
const shared = buildTestApp(t);

t.test('Datadog: trigger then recover through the rich template', async (t) => {
  const { app, auth } = await shared;
  const admin = await auth('admin');
  const dd = await createIntegration(app, admin, { name: 'datadog', kind: 'datadog' });
  const post = async (file: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/datadog',
      headers: { authorization: `Bearer ${dd.key}`, 'content-type': 'application/json' },
      payload: await fixture(file),
    });
    t.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const fired = await post('datadog/rich-triggered.json');
  t.equal(fired.alerts.length, 1);
  t.match(fired.alerts[0], { outcome: 'created', identity: /^monitor:\d+\|scope:/ });
  const again = await post('datadog/rich-triggered.json');
  t.strictSame(outcomes(again), ['duplicate'], 'a Renotify/retry of the same monitor+scope is a duplicate');
  const recovered = await post('datadog/rich-recovered.json');
  t.equal(recovered.alerts.length, 1);
  t.match(recovered.alerts[0], { outcome: 'resolved', incidentId: fired.alerts[0].incidentId });
  const inc = (await app.inject({ url: `/v1/incidents/${fired.alerts[0].incidentId}`, headers: admin })).json();
  t.equal(inc.status, 'resolved');
  const test = await post('datadog/default-test-notification.json');
  t.same(test.alerts, [], 'a test notification opens nothing');
});

t.test('health checks: down opens, repeat is a no-op, up resolves; Kuma test button; no Content-Type', async (t) => {
  const { app, auth } = await shared;
  const admin = await auth('admin');
  const health = await createIntegration(app, admin, { name: 'checks', kind: 'health', service: 'web' });
  const post = async (payload: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    const res = await app.inject({ method: 'POST', url: `/v1/webhooks/health/${health.key}`, headers, payload });
    t.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const down = await post(JSON.stringify({ check_id: 'api-ping', status: 'down', message: 'timeout' }));
  t.equal(down.alerts.length, 1);
  t.match(down.alerts[0], { identity: 'check:api-ping', outcome: 'created' });
  const inc = (await app.inject({ url: `/v1/incidents/${down.alerts[0].incidentId}`, headers: admin })).json();
  t.match(inc, { severity: 'SEV2', service: 'web', groupKey: 'check:api-ping' });
  t.strictSame(outcomes(await post(JSON.stringify({ check_id: 'api-ping', status: 'down' }))), ['duplicate']);
  t.strictSame(outcomes(await post(JSON.stringify({ check_id: 'api-ping', status: 'up' }))), ['resolved']);

  const kuma = await post(await fixture('health/kuma-test.json'));
  t.same(kuma.alerts, []);
  t.ok(kuma.note);

  // healthchecks.io often sends no Content-Type at all.
  const hc = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/health/${health.key}`,
    payload: await fixture('health/hc-template-down.txt'),
  });
  t.equal(hc.statusCode, 200, hc.body);
  t.equal(hc.json().alerts.length, 1);
  t.match(hc.json().alerts[0], { identity: /^hc:/, outcome: 'created' });
  const gatus = await post(await fixture('health/gatus-invalid.txt'), { 'content-type': 'text/plain' });
  t.equal(gatus.alerts.length, 1, 'Gatus bodies that are not valid JSON are read leniently');
  t.match(gatus.alerts[0], { identity: /^gatus:/ });
});

t.test('severity: rules before defaults, highest alert wins, promotion by blast radius, never lowered', async (t) => {
  const { app, auth } = await shared;
  const admin = await auth('admin');
  const am = await createIntegration(app, admin, {
    name: 'am',
    kind: 'alertmanager',
    promoteAfterAlerts: 3,
    severityRules: [{ name: 'payments', matchers: [{ name: 'service', value: 'pay.*', isRegex: true }], severity: 'SEV1' }],
  });
  const alert = (name: string, labels: Record<string, string>, status = 'firing') => ({
    status,
    labels: { alertname: name, ...labels },
    startsAt: '2026-11-22T10:00:00Z',
    endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-22T10:05:00Z',
  });
  const send = async (groupKey: string, alerts: object[]) => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/webhooks/alertmanager/${am.key}`,
      payload: { receiver: 'r', groupKey, status: 'firing', alerts },
    });
    t.equal(res.statusCode, 200, res.body);
    return res.json().alerts[0].incidentId as string;
  };
  const get = async (id: string) => (await app.inject({ url: `/v1/incidents/${id}`, headers: admin })).json();

  const pay = await send('pay', [alert('Slow', { service: 'payments', severity: 'info' })]);
  t.match(await get(pay), { severity: 'SEV1', severityReason: /rule "payments"/ }, 'a rule beats the severity label');

  const web = await send('web', [alert('A', { severity: 'info' })]);
  t.match(await get(web), { severity: 'SEV4' });
  await send('web', [alert('A', { severity: 'info' }), alert('B', { severity: 'warning' })]);
  t.match(await get(web), { severity: 'SEV3', severityReason: /severity="warning"/ }, 'the highest alert decides');
  await send('web', [alert('A', { severity: 'info' }), alert('B', { severity: 'warning' }), alert('C', { severity: 'info' })]);
  const promoted = await get(web);
  t.match(promoted, { severity: 'SEV2', severityReason: /promoted SEV3 → SEV2: spans 3 alerts/ });
  t.ok(promoted.timeline.some((e: { kind: string; message: string }) => e.kind === 'severity_changed' && /SEV3 → SEV2/.test(e.message)));
  await send('web', [alert('B', { severity: 'warning' }, 'resolved'), alert('C', { severity: 'info' }, 'resolved')]);
  t.match(await get(web), { severity: 'SEV2', status: 'triggered' }, 'never lowered automatically');
});

t.test('silences: matching alerts are recorded as suppressed and open no incident', async (t) => {
  const { app, handle, auth } = await shared;
  const admin = await auth('admin');
  const am = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  const silence = await app.inject({
    method: 'POST',
    url: '/v1/silences',
    headers: admin,
    payload: { matchers: [{ name: 'env', value: 'staging' }], endsAt: new Date(Date.now() + 3600_000).toISOString(), comment: 'load test' },
  });
  t.equal(silence.statusCode, 201, silence.body);
  const res = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/alertmanager/${am.key}`,
    payload: {
      receiver: 'r',
      groupKey: 'g',
      status: 'firing',
      alerts: [
        { status: 'firing', labels: { alertname: 'X', env: 'staging' }, startsAt: '2026-11-22T10:00:00Z' },
        { status: 'firing', labels: { alertname: 'X', env: 'prod' }, startsAt: '2026-11-22T10:00:00Z' },
      ],
    },
  });
  t.equal(res.statusCode, 200, res.body);
  const results = res.json().alerts as { outcome: string; incidentId: string | null }[];
  t.equal(results.length, 2);
  t.match(results[0], { outcome: 'suppressed', incidentId: null });
  t.match(results[1], { outcome: 'created' });
  const stored = await handle.db.selectFrom('alerts').select(['status']).where('integration_id', '=', am.id).orderBy('status').execute();
  t.same(
    stored.map((a) => a.status),
    ['firing', 'suppressed'],
  );
  const incident = (await app.inject({ url: `/v1/incidents/${results[1]!.incidentId}`, headers: admin })).json();
  t.equal(incident.alertCount, 1, 'the suppressed alert is not part of the incident');
});

t.test("a repeat whose severity rose raises its incident's severity", async (t) => {
  const { app, auth } = await shared;
  const admin = await auth('admin');
  const am = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  const send = async (severity: string) => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/webhooks/alertmanager/${am.key}`,
      payload: {
        receiver: 'r',
        groupKey: 'g',
        status: 'firing',
        alerts: [
          // A fixed fingerprint: the same alert whose severity label changed (e.g. a relabelled rule).
          { status: 'firing', labels: { alertname: 'Disk', severity }, fingerprint: '00000000000000aa', startsAt: '2026-11-22T10:00:00Z' },
        ],
      },
    });
    return res.json().alerts[0];
  };
  const first = await send('warning');
  t.match(await send('warning'), { outcome: 'duplicate' });
  t.match(await send('page'), { outcome: 'duplicate', incidentId: first.incidentId });
  const inc = (await app.inject({ url: `/v1/incidents/${first.incidentId}`, headers: admin })).json();
  t.match(inc, { severity: 'SEV1', severityReason: /severity="page"/ });
  t.equal(inc.alerts[0].receiveCount, 3);
});

t.test("grouping labels: equal values join one incident whatever the source's group, different values open their own", async (t) => {
  const { app, auth } = await shared;
  const admin = await auth('admin');
  const am = await createIntegration(app, admin, { name: 'grouped', kind: 'alertmanager', groupingLabels: ['cluster'] });
  const alert = (name: string, labels: Record<string, string>) => ({
    status: 'firing',
    labels: { alertname: name, ...labels },
    startsAt: '2026-11-22T10:00:00Z',
    endsAt: '0001-01-01T00:00:00Z',
  });
  const send = async (groupKey: string, alerts: object[]) => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/webhooks/alertmanager/${am.key}`,
      payload: { receiver: 'r', groupKey, status: 'firing', alerts },
    });
    t.equal(res.statusCode, 200, res.body);
    return res.json().alerts as { outcome: string; incidentId: string }[];
  };

  const eu = await send('{}:{alertname="A"}', [
    alert('A', { cluster: 'eu', instance: 'a1' }),
    alert('A', { cluster: 'eu', instance: 'a2' }),
  ]);
  t.strictSame(
    eu.map((a) => a.outcome),
    ['created', 'updated'],
    "the second eu alert joins the first one's incident",
  );
  t.equal(eu[1]!.incidentId, eu[0]!.incidentId);
  const euLater = await send('{}:{alertname="B"}', [alert('B', { cluster: 'eu' })]);
  t.strictSame(
    euLater.map((a) => [a.outcome, a.incidentId]),
    [['updated', eu[0]!.incidentId]],
    'another Alertmanager group with cluster="eu" joins the same incident',
  );
  const us = await send('{}:{alertname="A"}', [alert('A', { cluster: 'us', instance: 'a1' })]);
  t.strictSame(
    us.map((a) => a.outcome),
    ['created'],
    'cluster="us" opens its own, though Alertmanager grouped it with the eu alerts',
  );
  t.not(us[0]!.incidentId, eu[0]!.incidentId);

  const list = (await app.inject({ url: `/v1/incidents?integration=${am.id}`, headers: admin })).json().items as {
    id: string;
    groupKey: string;
    alertCount: number;
  }[];
  t.strictSame(
    list.map((i) => [i.id, i.groupKey, i.alertCount]).sort(),
    [
      [eu[0]!.incidentId, 'labels:{cluster="eu"}', 3],
      [us[0]!.incidentId, 'labels:{cluster="us"}', 1],
    ].sort(),
    "two incidents, keyed by the grouping label's value",
  );
});
