/**
 * Status updates, rendered messages and the public status page on a real database: the
 * cadence and the overdue flag, the lifecycle through updates, Accept negotiation, and
 * what the status page must never show (secrets planted in notes, labels, titles, roles).
 */
import { sql } from 'kysely';
import t from 'tap';
import { createApiKey } from '../../src/auth/api-keys.js';
import { buildTestApp, createIntegration } from '../helper.js';
import { isPagingEvent } from '../support/jobs.js';

const shared = (async () => {
  const test = await buildTestApp(t, { config: { KLAXON_PUBLIC_URL: 'https://klaxon.example.com' } });
  const alice = await createApiKey(test.handle.db, { name: 'alice', role: 'responder' });
  const responder = { authorization: `Bearer ${alice.key}` };
  const viewer = await test.auth('viewer');
  const admin = await test.auth('admin');
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = {}) =>
    test.app.inject({ method, url, headers: { ...responder, ...headers }, ...(payload ? { payload } : {}) });
  const declare = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/v1/incidents', { title: 'Checkout errors', severity: 'SEV2', ...body });
    if (res.statusCode !== 201) throw new Error(res.body);
    return res.json();
  };
  return { ...test, alice, responder, viewer, admin, call, declare };
})();

const update = { status: 'investigating', findings: 'error rate up since 14:20', actions: 'checking the last deploy' };

t.test('a status update goes on the timeline, moves the status and sets the next update due', async (t) => {
  const { declare, call } = await shared;
  const inc = await declare({ service: 'orders', commander: 'Dana' });
  t.equal(Date.parse(inc.nextUpdateDueAt) - Date.parse(inc.openedAt), 30 * 60_000, 'SEV2: first update due 30 min after opening');
  t.equal(inc.updateOverdue, false);
  t.equal(inc.lastUpdateAt, null);
  t.match(inc.chatChannel, /^#incident-\d{4}-\d{2}-\d{2}-orders$/);
  t.equal(inc.chatChannel, `#incident-${inc.openedAt.slice(0, 10)}-orders`);

  const res = await call('POST', `/v1/incidents/${inc.id}/updates`, update, { 'if-match': `"${inc.version}"` });
  t.equal(res.statusCode, 201, res.body);
  const after = res.json();
  t.equal(res.headers.etag, `"${after.version}"`);
  t.equal(after.status, 'investigating', 'the update moved a triggered incident (acknowledging it on the way)');
  t.ok(after.acknowledgedAt);
  t.equal(Date.parse(after.nextUpdateDueAt) - Date.parse(after.lastUpdateAt), 30 * 60_000, 'next due 30 min after this update');
  const timeline = (await call('GET', `/v1/incidents/${inc.id}/timeline`)).json().items.filter((e: { kind: string }) => !isPagingEvent(e));
  t.same(
    timeline.map((e: { kind: string }) => e.kind),
    ['declared', 'role_assigned', 'acknowledged', 'status_changed', 'status_update'],
  );
  t.same(timeline.at(-1).data, {
    status: 'investigating',
    findings: update.findings,
    actions: update.actions,
    publicMessage: null,
    publicTitle: null,
    nextUpdateDueAt: after.nextUpdateDueAt,
  });
  t.same(timeline.at(-1).actor, { type: 'api_key', id: (await shared).alice.id, name: 'alice (responder)' });

  // Same status: just an update. A stale If-Match: 412.
  const same = await call('POST', `/v1/incidents/${inc.id}/updates`, { ...update, findings: 'narrowed to the pool' });
  t.equal(same.statusCode, 201);
  t.equal(same.json().status, 'investigating');
  const stale = await call('POST', `/v1/incidents/${inc.id}/updates`, update, { 'if-match': `"${inc.version}"` });
  t.equal(stale.statusCode, 412);
  t.equal(stale.json().code, 'KLX_PRECONDITION_FAILED');

  // Resolving through an update: the all-clear; then nothing more is due; a working status is refused.
  const done = await call('POST', `/v1/incidents/${inc.id}/updates`, {
    status: 'resolved',
    findings: 'pool exhausted',
    actions: 'pool raised to 50',
  });
  t.equal(done.statusCode, 201);
  t.match(done.json(), { status: 'resolved', nextUpdateDueAt: null, updateOverdue: false });
  const refused = await call('POST', `/v1/incidents/${inc.id}/updates`, update);
  t.equal(refused.statusCode, 409);
  t.equal(refused.json().code, 'KLX_INVALID_TRANSITION');
  t.equal(
    (await call('POST', `/v1/incidents/${inc.id}/updates`, { ...update, status: 'resolved' })).statusCode,
    201,
    'a later all-clear is fine',
  );
  const checklist = (await call('GET', `/v1/incidents/${inc.id}/checklist`)).json().items;
  t.match(
    checklist.find((i: { id: string }) => i.id === 'all-clear-communicated'),
    { done: true, source: 'observed' },
  );
  t.match(
    checklist.find((i: { id: string }) => i.id === 'status-page-updated'),
    { done: false },
    'no public message yet',
  );
});

t.test('updates are overdue past the cadence', async (t) => {
  const { declare, call, handle } = await shared;
  const sev1 = await declare({ severity: 'SEV1' });
  await sql`update incidents set opened_at = now() - interval '16 minutes' where id = ${sev1.id}`.execute(handle.db);
  const late = (await call('GET', `/v1/incidents/${sev1.id}`)).json();
  t.equal(late.updateOverdue, true, 'SEV1: no update 16 minutes after opening');
  const posted = (await call('POST', `/v1/incidents/${sev1.id}/updates`, update)).json();
  t.equal(posted.updateOverdue, false, 'an update resets the clock');
  t.equal(Date.parse(posted.nextUpdateDueAt) - Date.parse(posted.lastUpdateAt), 15 * 60_000);
  await sql`update incidents set last_update_at = now() - interval '14 minutes' where id = ${sev1.id}`.execute(handle.db);
  t.equal((await call('GET', `/v1/incidents/${sev1.id}`)).json().updateOverdue, false, '14 minutes after the last update');
  const sev4 = await declare({ severity: 'SEV4' });
  await sql`update incidents set opened_at = now() - interval '23 hours' where id = ${sev4.id}`.execute(handle.db);
  t.equal((await call('GET', `/v1/incidents/${sev4.id}`)).json().updateOverdue, false, 'SEV4: daily');
  const list = (await call('GET', '/v1/incidents?status=open&limit=200')).json().items;
  const listed = list.find((i: { id: string }) => i.id === sev1.id);
  t.equal(Date.parse(listed.nextUpdateDueAt) - Date.parse(listed.lastUpdateAt), 15 * 60_000, 'the list shows when the next update is due');
  t.equal(list.find((i: { id: string }) => i.id === sev4.id).updateOverdue, false);
  t.ok(
    list.every((i: { updateOverdue: unknown }) => typeof i.updateOverdue === 'boolean'),
    'the list shows the flag',
  );
});

t.test('bad, unauthenticated and under-privileged updates are 4xx problems', async (t) => {
  const { declare, call, app, viewer } = await shared;
  const inc = await declare({});
  const url = `/v1/incidents/${inc.id}/updates`;
  t.equal((await app.inject({ method: 'POST', url, payload: update })).statusCode, 401);
  t.equal((await app.inject({ method: 'POST', url, payload: update, headers: viewer })).statusCode, 403);
  for (const body of [
    {},
    { ...update, status: 'triggered' },
    { ...update, findings: '' },
    { ...update, extra: 1 },
    { ...update, publicMessage: 'x'.repeat(4001) },
  ]) {
    const res = await call('POST', url, body);
    t.equal(res.statusCode, 400, JSON.stringify(body).slice(0, 60));
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  }
  t.equal((await call('POST', '/v1/incidents/999999999/updates', update)).statusCode, 404);
});

t.test('messages render from the incident, as text or Markdown by Accept', async (t) => {
  const { declare, call, viewer, app } = await shared;
  const inc = await declare({
    service: 'orders',
    commander: 'alice',
    impact: 'reports of failed order requests',
    title: 'Orders *failing*',
  });
  await call('POST', `/v1/incidents/${inc.id}/updates`, {
    status: 'identified',
    findings: 'database connection pool exhaustion',
    actions: 'Implementing a fix',
  });
  const get = (kind: string, accept?: string) =>
    app.inject({ url: `/v1/incidents/${inc.number}/messages/${kind}`, headers: { ...viewer, ...(accept ? { accept } : {}) } });

  const declared = await get('declared');
  t.equal(declared.statusCode, 200);
  t.equal(declared.headers['content-type'], 'text/plain; charset=utf-8');
  t.equal(declared.headers.vary, 'Accept');
  t.match(declared.body, /^INCIDENT DECLARED\nSeverity: SEV-2\nTime: \d{4}-\d\d-\d\d \d\d:\d\d UTC\nSummary: Orders \*failing\*\n/);
  t.match(declared.body, 'Impact: reports of failed order requests\nIncident Commander: @alice\n');
  t.match(declared.body, `Channel: ${inc.chatChannel}`);

  const upd = await get('update', 'text/markdown');
  t.equal(upd.headers['content-type'], 'text/markdown; charset=utf-8');
  t.match(upd.body, /^\*\*INCIDENT UPDATE\*\*\n\n- \*\*Incident\*\*: Orders \\\*failing\\\* \(SEV-2\)\n- \*\*Status\*\*: Identified\n/);
  t.match(upd.body, '- **Current findings**: database connection pool exhaustion');
  t.match(upd.body, '- **Actions in progress**: Implementing a fix');

  t.match((await get('status-investigating', 'text/html;q=0.9, text/plain')).body, "We're investigating reports of failed order requests.");
  t.match((await get('status-investigating')).body, 'Status: https://klaxon.example.com/status', 'the status page at KLAXON_PUBLIC_URL');
  t.match(
    (await get('status-identified', 'text/*')).body,
    "We've identified the cause: database connection pool exhaustion. We are implementing a fix.",
  );
  t.equal((await get('status-identified', 'text/markdown;q=0.2, text/plain;q=0.8')).headers['content-type'], 'text/plain; charset=utf-8');
  const resolvedEarly = await get('resolved');
  t.match(resolvedEarly.body, 'Time: not resolved yet (status: Identified)');

  for (const kind of ['declared', 'update', 'resolved', 'status-investigating', 'status-identified', 'status-resolved']) {
    for (const accept of ['text/plain', 'text/markdown']) {
      const res = await get(kind, accept);
      t.equal(res.statusCode, 200);
      t.notMatch(res.body, /undefined|null|\[[A-Za-z ]+\]/, `${kind} ${accept}: no undefined, null or [placeholder]`);
    }
  }
  const refused = await get('declared', 'application/json');
  t.equal(refused.statusCode, 406);
  t.equal(refused.json().code, 'KLX_NOT_ACCEPTABLE');
  t.equal((await get('nonsense')).statusCode, 400);
  t.equal((await app.inject({ url: `/v1/incidents/${inc.id}/messages/declared` })).statusCode, 401);
  t.equal((await call('GET', '/v1/incidents/999999999/messages/declared')).statusCode, 404);
});

t.test('the status page: public updates only, escaped, never internal notes, labels, commanders or keys', async (t) => {
  // A database of its own: the page shows every public incident.
  const { app, handle, auth } = await buildTestApp(t);
  const alice = await createApiKey(handle.db, { name: 'alice', role: 'responder' });
  const admin = await auth('admin');
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${alice.key}` }, ...(payload ? { payload } : {}) });
  const declare = async (body: Record<string, unknown>) =>
    (await call('POST', '/v1/incidents', { title: 'x', severity: 'SEV2', ...body })).json();
  const SECRET = 'SECRET-do-not-publish';
  const am = await createIntegration(app, admin, { name: `am-${SECRET}`, kind: 'alertmanager', service: 'payments' });
  const sent = await app.inject({
    method: 'POST',
    url: '/v1/webhooks/alertmanager',
    headers: { authorization: `Bearer ${am.key}` },
    payload: {
      version: '4',
      groupKey: '{}:{job="pay"}',
      status: 'firing',
      receiver: 'k',
      groupLabels: {},
      alerts: [
        {
          status: 'firing',
          labels: { alertname: `PayDown-${SECRET}`, severity: 'critical', token: `label-${SECRET}` },
          annotations: { summary: `annotation-${SECRET}` },
          startsAt: new Date().toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
        },
      ],
    },
  });
  t.equal(sent.statusCode, 200, sent.body);
  const fromAlert = sent.json().alerts[0].incidentId as string;
  const sev1 = (await call('GET', `/v1/incidents/${fromAlert}`)).json();
  t.ok(['SEV1', 'SEV2'].includes(sev1.severity), 'a critical alert opens a SEV1/SEV2 (always public)');
  await call('PATCH', `/v1/incidents/${fromAlert}`, { severity: 'SEV1', severityReason: `reason-${SECRET}` });
  await call('PUT', `/v1/incidents/${fromAlert}/roles/commander`, { name: `commander-${SECRET}` });
  await call('POST', `/v1/incidents/${fromAlert}/notes`, { text: `note-${SECRET} password=hunter2` });
  await call('PATCH', `/v1/incidents/${fromAlert}`, { summary: `summary-${SECRET}`, impact: `impact-${SECRET}` });
  // An update with internal findings, then a public one with hostile markup.
  await call('POST', `/v1/incidents/${fromAlert}/updates`, {
    status: 'investigating',
    findings: `findings-${SECRET}`,
    actions: `actions-${SECRET}`,
  });
  const hostile = '<script>alert("x")</script> & payments are failing';
  await call('POST', `/v1/incidents/${fromAlert}/updates`, {
    status: 'identified',
    findings: `findings2-${SECRET}`,
    actions: `actions2-${SECRET}`,
    publicMessage: hostile,
    publicTitle: 'Payments <b>unavailable</b>',
  });

  // A SEV3 nobody published stays off the page; one a responder published is on it.
  const quiet = await declare({ severity: 'SEV3', title: `quiet-${SECRET}`, service: 'search' });
  const shown = await declare({ severity: 'SEV3', title: `shown-${SECRET}`, service: 'email' });
  await call('POST', `/v1/incidents/${shown.id}/updates`, { ...update, publicMessage: 'Some emails are delayed.' });
  // A SEV2 resolved with a public all-clear: recently resolved.
  const past = await declare({ severity: 'SEV2', title: `past-${SECRET}`, service: 'orders' });
  await call('POST', `/v1/incidents/${past.id}/updates`, {
    status: 'resolved',
    findings: 'x',
    actions: 'y',
    publicMessage: 'Orders are back to normal.',
  });

  const page = await app.inject({ url: '/status' });
  t.equal(page.statusCode, 200, 'no authentication needed');
  t.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  t.equal(page.headers['cache-control'], 'public, max-age=30, stale-while-revalidate=30');
  t.match(page.headers['content-security-policy'], /default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
  t.notMatch(page.headers['content-security-policy'], 'unsafe-inline');
  const json = await app.inject({ url: '/status.json' });
  t.equal(json.statusCode, 200);
  t.equal(json.headers['cache-control'], 'public, max-age=30, stale-while-revalidate=30');

  for (const [name, body] of [
    ['/status', page.body],
    ['/status.json', json.body],
  ] as const) {
    t.notMatch(body, SECRET, `${name}: no title, note, label, annotation, summary, impact, finding, commander or integration name`);
    t.notMatch(body, 'hunter2');
    t.notMatch(body, alice.key, `${name}: no API key`);
    t.notMatch(body, am.key, `${name}: no integration key`);
    t.notMatch(body, fromAlert, `${name}: no incident ids`);
  }
  t.notMatch(page.body, '<script>', 'the public message is escaped');
  t.match(page.body, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; payments are failing');
  t.match(page.body, 'Payments &lt;b&gt;unavailable&lt;/b&gt;');
  t.notMatch(page.body, '<b>unavailable');

  const status = json.json();
  t.equal(status.overall, 'major_outage');
  t.same(
    status.incidents.map((i: { title: string }) => i.title),
    ['Service disruption: email', 'Payments <b>unavailable</b>'],
    'open public incidents, newest first; the quiet SEV3 is not there',
  );
  t.same(
    status.incidents[1].updates,
    [{ status: 'identified', message: hostile, at: status.incidents[1].updates[0].at }],
    'only the public update',
  );
  t.equal(status.recentlyResolved.length, 1, 'no more and no fewer');
  t.match(status.recentlyResolved, [
    { title: 'Service disruption: orders', status: 'resolved', updates: [{ message: 'Orders are back to normal.' }] },
  ]);
  const services = Object.fromEntries(status.services.map((s: { name: string; state: string }) => [s.name, s.state]));
  t.match(services, { payments: 'major_outage', email: 'degraded_performance', search: 'operational', orders: 'operational' });
  t.notOk(
    status.incidents.some((i: { title: string }) => i.title.includes('search')),
    `${quiet.number} stays internal`,
  );
  const checklist = (await call('GET', `/v1/incidents/${shown.id}/checklist`)).json().items;
  t.match(
    checklist.find((i: { id: string }) => i.id === 'status-page-updated'),
    { done: true, source: 'observed' },
  );
});
