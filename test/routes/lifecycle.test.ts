/**
 * The responders' API on a real database: declare, acknowledge, status, resolve, reopen,
 * roles, notes, severity override, ETag/If-Match, actors on the timeline, role checks.
 */
import t from 'tap';
import { createApiKey } from '../../src/auth/api-keys.js';
import { buildTestApp, createIntegration } from '../helper.js';
import { isPagingEvent } from '../support/jobs.js';

const shared = (async () => {
  const test = await buildTestApp(t);
  const alice = await createApiKey(test.handle.db, { name: 'alice', role: 'responder' });
  const responder = { authorization: `Bearer ${alice.key}` };
  const viewer = await test.auth('viewer');
  const admin = await test.auth('admin');
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = {}) =>
    test.app.inject({ method, url, headers: { ...responder, ...headers }, ...(payload ? { payload } : {}) });
  const declare = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/v1/incidents', { title: 'Checkout errors', severity: 'SEV2', ...body });
    if (res.statusCode !== 201) throw new Error(res.body);
    return res;
  };
  return { ...test, alice, responder, viewer, admin, call, declare };
})();

t.test('declare an incident by hand; it is addressable by UUID and by number', async (t) => {
  const { declare, call } = await shared;
  const res = await declare({ service: 'checkout', impact: '30% of orders fail', commander: 'Dana' });
  const inc = res.json();
  t.equal(res.headers.location, `/v1/incidents/${inc.id}`);
  t.equal(res.headers.etag, `"${inc.version}"`);
  t.match(inc, {
    status: 'triggered',
    severity: 'SEV2',
    severityOverridden: true,
    declared: true,
    integrationId: null,
    service: 'checkout',
    impact: '30% of orders fail',
    roles: { commander: { name: 'Dana', apiKeyId: null }, scribe: null, communications: null },
    ackMet: null,
  });
  t.equal(Date.parse(inc.ackDeadline) - Date.parse(inc.openedAt), 15 * 60_000, 'SEV2: acknowledge within 15 minutes');
  const byNumber = await call('GET', `/v1/incidents/${inc.number}`);
  t.equal(byNumber.statusCode, 200);
  t.equal(byNumber.json().id, inc.id);
  t.same(
    byNumber
      .json()
      .timeline.filter((e: { kind: string }) => !isPagingEvent(e))
      .map((e: { kind: string }) => e.kind),
    ['declared', 'role_assigned'],
  );
  t.same(byNumber.json().timeline[0].actor, { type: 'api_key', id: (await shared).alice.id, name: 'alice (responder)' });
  t.equal((await call('GET', '/v1/incidents/999999999')).statusCode, 404);
});

t.test('the lifecycle through the API, with actors on the timeline', async (t) => {
  const { declare, call } = await shared;
  const { id } = (await declare({})).json();
  const step = async (path: string, body?: object) => {
    const res = await call('POST', `/v1/incidents/${id}/${path}`, body);
    t.equal(res.statusCode, 200, `${path}: ${res.body}`);
    return res.json();
  };
  t.equal((await step('acknowledge', { message: 'looking' })).status, 'acknowledged');
  t.equal((await step('acknowledge')).status, 'acknowledged', 'acknowledging again changes nothing');
  t.equal((await step('status', { status: 'investigating', message: 'error rate up since 14:20' })).status, 'investigating');
  t.equal((await step('status', { status: 'mitigating', message: 'rolling back' })).status, 'mitigating');
  t.equal((await step('status', { status: 'investigating', message: 'rollback did not help' })).status, 'investigating');
  t.equal((await step('status', { status: 'identified' })).status, 'identified');
  const resolved = await step('resolve', { message: 'pool size raised' });
  t.equal(resolved.status, 'resolved');
  t.ok(resolved.resolvedAt);

  const refused = await call('POST', `/v1/incidents/${id}/acknowledge`);
  t.equal(refused.statusCode, 409);
  t.match(refused.headers['content-type'], /application\/problem\+json/);
  t.match(refused.json(), { code: 'KLX_INVALID_TRANSITION', detail: /is resolved; requested: acknowledged/ });
  t.equal((await call('POST', `/v1/incidents/${id}/status`, { status: 'mitigating' })).statusCode, 409);
  t.equal((await call('POST', `/v1/incidents/${id}/resolve`)).statusCode, 409, 'resolving twice');

  const reopened = await step('reopen', { message: 'errors are back' });
  t.match(reopened, { status: 'triggered', resolvedAt: null, reopenCount: 1 });
  const again = await call('POST', `/v1/incidents/${id}/reopen`);
  t.match(again.json(), { code: 'KLX_INVALID_TRANSITION', detail: /is triggered; requested: reopen/ });
  t.equal((await call('POST', `/v1/incidents/${id}/status`, { status: 'triggered' })).statusCode, 400, 'never back to triggered');

  // What people did (escalation's own events are asserted in test/escalation/).
  const timeline = (await call('GET', `/v1/incidents/${id}/timeline`)).json().items.filter((e: { kind: string }) => !isPagingEvent(e));
  t.same(
    timeline.map((e: { kind: string; data: { to?: string } }) => (e.kind === 'status_changed' ? `status:${e.data.to}` : e.kind)),
    [
      'declared',
      'acknowledged',
      'status:investigating',
      'status:mitigating',
      'status:investigating',
      'status:identified',
      'resolved',
      'reopened',
    ],
  );
  for (const e of timeline) t.same(e.actor.name, 'alice (responder)', `${e.kind} names its actor`);
  t.match(timeline[1], { message: 'Acknowledged by alice (responder): looking', data: { message: 'looking', withinTarget: true } });
  t.same(timeline[6].data, { cause: 'responder', firingAlerts: 0, message: 'pool size raised' });
});

t.test('ETag and If-Match: a stale version is refused with 412 and changes nothing', async (t) => {
  const { declare, call } = await shared;
  const first = await declare({});
  const { id } = first.json();
  const etag = first.headers.etag as string;
  const got = await call('GET', `/v1/incidents/${id}`);
  t.equal(got.headers.etag, etag, 'GET carries the same ETag');

  const ok = await call('POST', `/v1/incidents/${id}/acknowledge`, undefined, { 'if-match': etag });
  t.equal(ok.statusCode, 200);
  t.not(ok.headers.etag, etag, 'the version moved');

  // A second responder still holding the first version.
  const stale = await call('PATCH', `/v1/incidents/${id}`, { title: 'overwritten' }, { 'if-match': etag });
  t.equal(stale.statusCode, 412);
  t.match(stale.json(), { code: 'KLX_PRECONDITION_FAILED' });
  t.equal((await call('GET', `/v1/incidents/${id}`)).json().title, 'Checkout errors', 'nothing changed');
  for (const path of ['status', 'resolve', 'notes']) {
    const body = path === 'status' ? { status: 'investigating' } : path === 'notes' ? { text: 'x' } : undefined;
    t.equal((await call('POST', `/v1/incidents/${id}/${path}`, body, { 'if-match': etag })).statusCode, 412, path);
  }
  t.equal((await call('PUT', `/v1/incidents/${id}/roles/scribe`, { name: 'x' }, { 'if-match': etag })).statusCode, 412);
  t.equal((await call('PUT', `/v1/incidents/${id}/checklist/runbooks-updated`, { done: true }, { 'if-match': etag })).statusCode, 412);
  const written = (await call('GET', `/v1/incidents/${id}/timeline`)).json().items.filter((e: { kind: string }) => !isPagingEvent(e));
  t.same(
    written.map((e: { kind: string }) => e.kind),
    ['declared', 'acknowledged'],
    'no event was written by a refused change',
  );

  const current = ok.headers.etag as string;
  t.equal((await call('PATCH', `/v1/incidents/${id}`, { title: 'Checkout 500s' }, { 'if-match': `"0", ${current}` })).statusCode, 200);
  t.equal((await call('PATCH', `/v1/incidents/${id}`, { summary: 'pool exhausted' }, { 'if-match': '*' })).statusCode, 200);
  t.equal(
    (await call('PATCH', `/v1/incidents/${id}`, { summary: 'x' }, { 'if-match': `W/${current}` })).statusCode,
    412,
    'weak never matches',
  );
});

t.test('roles, notes and the severity override', async (t) => {
  const { declare, call, alice } = await shared;
  const { id } = (await declare({ severity: 'SEV3' })).json();
  const cmd = await call('PUT', `/v1/incidents/${id}/roles/commander`, { apiKeyId: alice.id });
  t.equal(cmd.statusCode, 200, cmd.body);
  t.match(cmd.json().roles.commander, { name: 'alice', apiKeyId: alice.id });
  t.match((await call('PUT', `/v1/incidents/${id}/roles/scribe`, { name: 'Sam' })).json().roles, {
    scribe: { name: 'Sam', apiKeyId: null },
  });
  t.equal((await call('DELETE', `/v1/incidents/${id}/roles/scribe`)).json().roles.scribe, null);
  const unknownKey = await call('PUT', `/v1/incidents/${id}/roles/commander`, { apiKeyId: '00000000-0000-4000-8000-000000000000' });
  t.equal(unknownKey.statusCode, 400);
  t.same(
    unknownKey.json().errors.map((e: { path: string }) => e.path),
    ['/body/apiKeyId'],
  );
  t.equal((await call('PUT', `/v1/incidents/${id}/roles/janitor`, { name: 'x' })).statusCode, 400);

  const note = await call('POST', `/v1/incidents/${id}/notes`, { text: 'DB CPU at 100%' });
  t.equal(note.statusCode, 201);
  const notes = (await call('GET', `/v1/incidents/${id}/notes`)).json().items;
  t.same(
    notes.map((n: { id: number; data: { text: string } }) => [n.id, n.data.text]),
    [[note.json().id, 'DB CPU at 100%']],
  );

  const noReason = await call('PATCH', `/v1/incidents/${id}`, { severity: 'SEV1' });
  t.equal(noReason.statusCode, 400);
  const raised = await call('PATCH', `/v1/incidents/${id}`, { severity: 'SEV1', severityReason: 'all regions affected' });
  t.match(raised.json(), { severity: 'SEV1', severityOverridden: true, severityReason: 'Set by alice (responder): all regions affected' });
  t.equal((await call('PATCH', `/v1/incidents/${id}`, {})).statusCode, 400, 'an empty patch');
  const kinds = (await call('GET', `/v1/incidents/${id}/timeline`))
    .json()
    .items.filter((e: { kind: string }) => !isPagingEvent(e))
    .map((e: { kind: string }) => e.kind);
  t.same(kinds, ['declared', 'role_assigned', 'role_assigned', 'role_assigned', 'note', 'severity_changed']);
});

t.test('a viewer reads but cannot act; no key is a 401', async (t) => {
  const { declare, app, viewer } = await shared;
  const { id } = (await declare({})).json();
  const as = (headers: Record<string, string>, method: 'POST' | 'PATCH' | 'PUT', url: string, payload?: object) =>
    app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const writes: ['POST' | 'PATCH' | 'PUT', string, object?][] = [
    ['POST', '/v1/incidents', { title: 'x', severity: 'SEV4' }],
    ['POST', `/v1/incidents/${id}/acknowledge`],
    ['POST', `/v1/incidents/${id}/status`, { status: 'investigating' }],
    ['POST', `/v1/incidents/${id}/resolve`],
    ['POST', `/v1/incidents/${id}/reopen`],
    ['PATCH', `/v1/incidents/${id}`, { title: 'x' }],
    ['PUT', `/v1/incidents/${id}/roles/commander`, { name: 'x' }],
    ['POST', `/v1/incidents/${id}/notes`, { text: 'x' }],
    ['PUT', `/v1/incidents/${id}/checklist/channels-created`, { done: true }],
    ['POST', '/v1/changes', { kind: 'deploy', service: 's', summary: 'v1' }],
  ];
  for (const [method, url, body] of writes) {
    const res = await as(viewer, method, url, body);
    t.equal(res.statusCode, 403, `viewer: ${method} ${url}`);
    t.equal((await as({}, method, url, body)).statusCode, 401, `anonymous: ${method} ${url}`);
  }
  const after = (await app.inject({ url: `/v1/incidents/${id}`, headers: viewer })).json();
  t.match(after, { status: 'triggered', title: 'Checkout errors' }, 'nothing changed');
});

t.test('alerts and a person: resolve while firing, override honoured by the engine', async (t) => {
  const { app, admin, call } = await shared;
  const am = await createIntegration(app, admin, { name: 'prod-am', kind: 'alertmanager', service: 'db', reopenWindowSeconds: 3600 });
  const alert = (status: 'firing' | 'resolved', startsAt: string, severity = 'warning', name = 'DBDown') => ({
    status,
    labels: { alertname: name, severity },
    annotations: {},
    startsAt,
    endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-22T12:00:00Z',
  });
  const send = async (alerts: object[]) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/alertmanager',
      headers: { authorization: `Bearer ${am.key}` },
      payload: { version: '4', groupKey: '{}:{job="db"}', status: 'firing', receiver: 'k', groupLabels: {}, alerts },
    });
    t.equal(res.statusCode, 200, res.body);
    return res.json().alerts as { outcome: string; incidentId: string }[];
  };
  const [opened] = await send([alert('firing', '2026-11-22T10:00:00Z')]);
  const id = opened!.incidentId;
  const byAlert = (await call('GET', `/v1/incidents/${id}/timeline`)).json().items[0];
  t.same(byAlert.actor, { type: 'integration', id: am.id, name: 'prod-am' }, 'what alerts do is by their integration');

  // Overridden severity survives a more severe alert joining.
  await call('PATCH', `/v1/incidents/${id}`, { severity: 'SEV4', severityReason: 'staging traffic only' });
  await send([alert('firing', '2026-11-22T10:00:00Z'), alert('firing', '2026-11-22T10:01:00Z', 'critical', 'DBSlow')]);
  t.match((await call('GET', `/v1/incidents/${id}`)).json(), { severity: 'SEV4', severityOverridden: true, firingCount: 2 });

  // A person resolves while both alerts still fire: allowed and recorded.
  const resolved = await call('POST', `/v1/incidents/${id}/resolve`, { message: 'false alarm' });
  t.match(resolved.json(), { status: 'resolved', firingCount: 0 });
  const ev = (await call('GET', `/v1/incidents/${id}/timeline`))
    .json()
    .items.filter((e: { kind: string }) => !isPagingEvent(e))
    .at(-1);
  t.same(ev.data, { cause: 'responder', firingAlerts: 2, message: 'false alarm' });
  // Alertmanager re-sends the same firings: they are not new, so the incident stays resolved.
  const resend = await send([alert('firing', '2026-11-22T10:00:00Z'), alert('firing', '2026-11-22T10:01:00Z', 'critical', 'DBSlow')]);
  t.same(
    resend.map((a) => a.outcome),
    ['duplicate', 'duplicate'],
  );
  t.equal((await call('GET', `/v1/incidents/${id}`)).json().status, 'resolved');
  // A new firing (a later start) follows the reopen rules: inside the window it reopens.
  const refire = await send([alert('firing', new Date(Date.now() + 1000).toISOString())]);
  t.same(refire[0], { ...refire[0], outcome: 'reopened', incidentId: id });
  t.equal((await call('GET', `/v1/incidents/${id}`)).json().status, 'triggered');
});
