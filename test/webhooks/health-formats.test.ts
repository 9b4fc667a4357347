import { readFile } from 'node:fs/promises';
import t from 'tap';
import { buildTestApp, createIntegration, type TestApp } from '../helper.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/ingest/health/${name}`, import.meta.url), 'utf8');
const HC_UUID = '803f680d-e89b-492b-82ef-2be7b774a92d';

/** Posts a body to the integration's health webhook; no Content-Type unless given (healthchecks.io sends none). */
function poster(app: TestApp['app'], key: string) {
  return (payload: string, contentType?: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/webhooks/health',
      payload,
      headers: { authorization: `Bearer ${key}`, ...(contentType ? { 'content-type': contentType } : {}) },
    });
}

t.test('auto: healthchecks.io and Gatus bodies from their docs open and resolve incidents', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const health = await createIntegration(app, admin, { name: 'checks', kind: 'health' });
  t.equal((health as unknown as { format: string }).format, 'auto', 'the default is recognition by shape');
  const post = poster(app, health.key);
  const incident = async (id: string) => (await app.inject({ url: `/v1/incidents/${id}`, headers: admin })).json();

  const hcDown = await post(await fixture('hc-docs-nested-json-down.txt'));
  t.equal(hcDown.statusCode, 200, hcDown.body);
  t.same(
    hcDown.json().alerts.map((a: { identity: string; outcome: string }) => [a.identity, a.outcome]),
    [[`hc:${HC_UUID}`, 'created']],
  );
  const hcIncident = hcDown.json().alerts[0].incidentId;
  t.equal((await incident(hcIncident)).status, 'triggered');
  const hcUp = await post(await fixture('hc-docs-nested-json-up.txt'));
  t.same(
    hcUp.json().alerts.map((a: { outcome: string; incidentId: string }) => [a.outcome, a.incidentId]),
    [['resolved', hcIncident]],
  );
  t.equal((await incident(hcIncident)).status, 'resolved');

  const gatusDown = await post(await fixture('gatus-relay-triggered.json'), 'application/json');
  t.same(
    gatusDown.json().alerts.map((a: { identity: string; outcome: string }) => [a.identity, a.outcome]),
    [['gatus:core/website', 'created']],
  );
  const gatusIncident = gatusDown.json().alerts[0].incidentId;
  const gatusUp = await post(await fixture('gatus-relay-resolved.json'), 'application/json');
  t.same(
    gatusUp.json().alerts.map((a: { outcome: string; incidentId: string }) => [a.outcome, a.incidentId]),
    [['resolved', gatusIncident]],
  );
  t.equal((await incident(gatusIncident)).status, 'resolved');

  const camel = await post(await fixture('gatus-camelcase.json'), 'application/json');
  t.same(
    camel.json().alerts.map((a: { identity: string; outcome: string; incidentId: string }) => [a.identity, a.outcome, a.incidentId]),
    [['gatus:core/website', 'reopened', gatusIncident]],
    'other key names for the same endpoint are the same alert (re-fired within the reopen window)',
  );

  const slack = await post(await fixture('gatus-readme-slack.json'), 'application/json');
  t.equal(slack.statusCode, 400, slack.body);
  const problem = slack.json();
  t.equal(problem.code, 'KLX_PAYLOAD_NOT_UNDERSTOOD');
  t.same(
    problem.errors.map((e: { path: string }) => e.path),
    ['/body'],
  );
  t.same(
    /tried (.*)$/
      .exec(problem.errors[0].message)?.[1]
      ?.split('; ')
      .map((r: string) => r.split(':')[0]),
    ['generic', 'uptime-kuma', 'healthchecks', 'gatus'],
    'each format says what it missed',
  );
  t.match(problem.errors[0].message, /gatus: \[ALERT_TRIGGERED_OR_RESOLVED\] only inside the free text of \/text/);
});

t.test('a pinned format: only its decoder runs, its errors are reported, the pin can change', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const created = await app.inject({
    method: 'POST',
    url: '/v1/integrations',
    headers: admin,
    payload: { name: 'gatus', kind: 'health', format: 'gatus' },
  });
  t.equal(created.statusCode, 201, created.body);
  const gatus = created.json();
  t.equal(gatus.format, 'gatus');
  t.equal((await app.inject({ url: `/v1/integrations/${gatus.id}`, headers: admin })).json().format, 'gatus', 'shown when read');
  const post = poster(app, gatus.key);

  const generic = JSON.stringify({ check_id: 'api-ping', status: 'down' });
  const refused = await post(generic, 'application/json');
  t.equal(refused.statusCode, 400, refused.body);
  t.same(refused.json().errors, [
    {
      path: '/body/name',
      message:
        "is required: the endpoint name ([ENDPOINT_NAME]) under endpoint_name, endpointName, name or endpoint — read as gatus, the integration's pinned format",
    },
  ]);

  // Unescaped quotes, no "source" marker and a placeholder override: only a pin lets this through.
  const fired = await post('{"endpoint": "api "v2"", "state": "down"}', 'text/plain');
  t.equal(fired.statusCode, 200, fired.body);
  t.same(
    fired.json().alerts.map((a: { identity: string; outcome: string }) => [a.identity, a.outcome]),
    [['gatus:/api "v2"', 'created']],
  );
  const resolved = await post('{"endpoint": "api "v2"", "state": "up"}', 'text/plain');
  t.same(
    resolved.json().alerts.map((a: { outcome: string; incidentId: string }) => [a.outcome, a.incidentId]),
    [['resolved', fired.json().alerts[0].incidentId]],
  );

  const repinned = await app.inject({
    method: 'PATCH',
    url: `/v1/integrations/${gatus.id}`,
    headers: admin,
    payload: { format: 'generic' },
  });
  t.equal(repinned.statusCode, 200, repinned.body);
  t.equal(repinned.json().format, 'generic');
  const accepted = await post(generic, 'application/json');
  t.equal(accepted.statusCode, 200, accepted.body);
  t.same(
    accepted.json().alerts.map((a: { identity: string; outcome: string }) => [a.identity, a.outcome]),
    [['check:api-ping', 'created']],
  );
  const gatusNow = await post(await fixture('gatus-relay-triggered.json'), 'application/json');
  t.equal(gatusNow.statusCode, 400, 'a Gatus body is no longer read');
  t.same(
    gatusNow.json().errors.map((e: { path: string }) => e.path),
    ['/body/check_id', '/body/status'],
  );

  const unpinned = await app.inject({ method: 'PATCH', url: `/v1/integrations/${gatus.id}`, headers: admin, payload: { format: 'auto' } });
  t.equal(unpinned.json().format, 'auto');
  t.equal((await post(await fixture('gatus-relay-triggered.json'), 'application/json')).statusCode, 200, 'recognised again');
});

t.test('format belongs to health integrations: other kinds are refused and show null', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const refused = await app.inject({
    method: 'POST',
    url: '/v1/integrations',
    headers: admin,
    payload: { name: 'am', kind: 'alertmanager', format: 'gatus' },
  });
  t.equal(refused.statusCode, 400, refused.body);
  t.same(refused.json().errors, [{ path: '/body/format', message: 'only health integrations take a body format, not alertmanager' }]);

  const am = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  t.equal((am as unknown as { format: unknown }).format, null);
  const patched = await app.inject({ method: 'PATCH', url: `/v1/integrations/${am.id}`, headers: admin, payload: { format: 'auto' } });
  t.equal(patched.statusCode, 400, patched.body);
  t.same(patched.json().errors, [{ path: '/body/format', message: 'only health integrations take a body format, not alertmanager' }]);

  const unknown = await app.inject({
    method: 'POST',
    url: '/v1/integrations',
    headers: admin,
    payload: { name: 'x', kind: 'health', format: 'nagios' },
  });
  t.equal(unknown.statusCode, 400, unknown.body);
  t.same(
    unknown.json().errors.map((e: { path: string }) => e.path),
    ['/body/format'],
  );

  await createIntegration(app, admin, { name: 'beat', kind: 'heartbeat', heartbeat: { intervalSeconds: 60, graceSeconds: 0 } });
  await createIntegration(app, admin, { name: 'checks', kind: 'health', format: 'healthchecks' });
  const listed = (await app.inject({ url: '/v1/integrations', headers: admin })).json().items;
  t.same(
    listed.map((i: { kind: string; format: unknown }) => [i.kind, i.format]),
    [
      ['alertmanager', null],
      ['heartbeat', null],
      ['health', 'healthchecks'],
    ],
  );
});
