/** Post-mortems and action items on a real database: draft → edit (If-Match) → publish, five whys round-trip, items across incidents, the due list. */
import { sql } from 'kysely';
import t from 'tap';
import { createApiKey } from '../../src/auth/api-keys.js';
import { buildTestApp } from '../helper.js';

const shared = (async () => {
  const test = await buildTestApp(t);
  const alice = await createApiKey(test.handle.db, { name: 'alice', role: 'responder' });
  const viewer = await test.auth('viewer');
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object, headers: Record<string, string> = {}) =>
    test.app.inject({ method, url, headers: { authorization: `Bearer ${alice.key}`, ...headers }, ...(payload ? { payload } : {}) });
  const resolvedIncident = async (body: Record<string, unknown> = {}) => {
    const inc = (
      await call('POST', '/v1/incidents', {
        title: 'Orders failing',
        severity: 'SEV2',
        commander: 'alice',
        impact: '30% of orders',
        ...body,
      })
    ).json();
    await call('POST', `/v1/incidents/${inc.id}/resolve`, { message: 'pool raised' });
    return inc as { id: string; number: number };
  };
  return { ...test, viewer, call, resolvedIncident };
})();

t.test('draft pre-filled, edited with If-Match, five whys round-trip, published with a timeline event', async (t) => {
  const { call, resolvedIncident, app, viewer } = await shared;
  const inc = await resolvedIncident();
  const created = await call('POST', `/v1/incidents/${inc.id}/postmortem`);
  t.equal(created.statusCode, 201, created.body);
  const pm = created.json();
  t.equal(created.headers.etag, '"1"');
  t.match(pm, { status: 'draft', severity: 'SEV2', commander: 'alice', impact: '30% of orders', rootCause: '', fiveWhys: [], version: 1 });
  t.equal(Date.parse(pm.dueAt) - Date.parse(pm.resolvedAt), 48 * 3600_000);
  t.ok(pm.timeline.length >= 3, 'the incident timeline, pre-filled');
  t.equal((await call('POST', `/v1/incidents/${inc.id}/postmortem`)).statusCode, 409, 'one per incident');

  const whys = [
    { question: 'Why did orders fail?', answer: 'No free database connections' },
    { question: 'Why none free?', answer: 'Slower queries held them longer' },
    { question: 'Why slower?', answer: 'A new feature added joins' },
    { question: 'Why not caught?', answer: 'No load test' },
    { question: 'Why no load test?', answer: 'Not part of the release checklist' },
  ];
  const edited = await call(
    'PUT',
    `/v1/incidents/${inc.number}/postmortem`,
    { fiveWhys: whys, rootCause: 'Pool exhaustion' },
    { 'if-match': '"1"' },
  );
  t.equal(edited.statusCode, 200, edited.body);
  t.equal(edited.headers.etag, '"2"');
  const stale = await call('PUT', `/v1/incidents/${inc.id}/postmortem`, { rootCause: 'x' }, { 'if-match': '"1"' });
  t.equal(stale.statusCode, 412);
  const read = await app.inject({ url: `/v1/incidents/${inc.id}/postmortem`, headers: viewer });
  t.same(read.json().fiveWhys, whys, 'five whys round-trip in order');
  t.equal(read.json().rootCause, 'Pool exhaustion');
  t.equal(read.json().impact, '30% of orders', 'sections not sent stay');

  const markdown = await app.inject({ url: `/v1/incidents/${inc.id}/postmortem`, headers: { ...viewer, accept: 'text/markdown' } });
  t.equal(markdown.headers['content-type'], 'text/markdown; charset=utf-8');
  t.match(markdown.body, /^# Post-Mortem: Orders failing\n/);
  t.match(markdown.body, '5. **Why?** Why no load test?\n   **Because** Not part of the release checklist');
  t.equal((await app.inject({ url: `/v1/incidents/${inc.id}/postmortem`, headers: { ...viewer, accept: 'image/png' } })).statusCode, 406);

  const published = await call('POST', `/v1/incidents/${inc.id}/postmortem/publish`, undefined, { 'if-match': '"2"' });
  t.equal(published.statusCode, 200, published.body);
  t.match(published.json(), { status: 'published', version: 3 });
  t.ok(published.json().publishedAt);
  const kinds = (await call('GET', `/v1/incidents/${inc.id}/timeline?limit=200`)).json().items.map((e: { kind: string }) => e.kind);
  t.ok(kinds.includes('postmortem_created') && kinds.includes('postmortem_published'));
  const checklist = (await call('GET', `/v1/incidents/${inc.id}/checklist`)).json().items;
  t.match(
    checklist.find((i: { id: string }) => i.id === 'postmortem-scheduled'),
    { done: true, source: 'observed' },
  );

  t.equal((await call('GET', '/v1/incidents/999999999/postmortem')).statusCode, 404);
  const none = await resolvedIncident();
  const missing = await call('GET', `/v1/incidents/${none.id}/postmortem`);
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'KLX_POSTMORTEM_NOT_FOUND');
  t.equal((await app.inject({ method: 'POST', url: `/v1/incidents/${none.id}/postmortem`, headers: viewer })).statusCode, 403);
  t.equal((await call('PUT', `/v1/incidents/${inc.id}/postmortem`, {})).statusCode, 400, 'an empty edit');
  t.equal((await call('PUT', `/v1/incidents/${inc.id}/postmortem`, { fiveWhys: [{ question: '', answer: 'x' }] })).statusCode, 400);
});

t.test('action items across incidents: by owner and status, overdue flagged', async (t) => {
  const { call, resolvedIncident } = await shared;
  const a = await resolvedIncident();
  const b = await resolvedIncident();
  const add = async (ref: string, body: object) => {
    const res = await call('POST', `/v1/incidents/${ref}/action-items`, body);
    t.equal(res.statusCode, 201, res.body);
    return res.json();
  };
  const late = await add(a.id, { title: 'Add pool alert', owner: 'bob', dueDate: '2020-01-02', priority: 'high' });
  t.match(late, { owner: 'bob', dueDate: '2020-01-02', priority: 'high', status: 'open', overdue: true });
  await add(b.id, { title: 'Tune pool size', owner: 'bob', dueDate: '2999-12-31' });
  await add(b.id, { title: 'Runbook', owner: 'carol', dueDate: '2999-12-30', priority: 'low' });

  const bobs = (await call('GET', '/v1/action-items?owner=bob&status=open')).json().items;
  t.same(
    bobs.map((i: { title: string; incidentId: string; overdue: boolean }) => [i.title, i.incidentId, i.overdue]),
    [
      ['Add pool alert', a.id, true],
      ['Tune pool size', b.id, false],
    ],
    "bob's open items across both incidents, earliest due first",
  );
  t.same(
    (await call('GET', '/v1/action-items?overdue=true'))
      .json()
      .items.map((i: { id: string }) => i.id)
      .filter((id: string) => id === late.id),
    [late.id],
  );
  const done = await call('PATCH', `/v1/action-items/${late.id}`, { status: 'done' });
  t.match(done.json(), { status: 'done', overdue: false });
  t.notOk((await call('GET', '/v1/action-items?owner=bob&status=open')).json().items.some((i: { id: string }) => i.id === late.id));
  t.equal((await call('GET', `/v1/incidents/${b.id}/action-items`)).json().items.length, 2);
  t.equal((await call('PATCH', '/v1/action-items/00000000-0000-4000-8000-000000000000', { status: 'done' })).statusCode, 404);
  t.equal((await call('POST', `/v1/incidents/${a.id}/action-items`, { title: 'x', owner: 'y', dueDate: 'tomorrow' })).statusCode, 400);
  const checklist = (await call('GET', `/v1/incidents/${a.id}/checklist`)).json().items;
  t.match(
    checklist.find((i: { id: string }) => i.id === 'action-items-created'),
    { done: true, source: 'observed' },
  );
});

t.test('the due list at the 48-hour boundary', async (t) => {
  const { call, resolvedIncident, handle } = await shared;
  const atBoundary = await resolvedIncident({ title: 'boundary' });
  const past = await resolvedIncident({ title: 'past', severity: 'SEV1' });
  const sev3 = await resolvedIncident({ title: 'minor', severity: 'SEV3' });
  const sev4 = await resolvedIncident({ title: 'trivial', severity: 'SEV4' });
  // 47h59m ago: still due; 48h01m ago: overdue.
  await sql`update incidents set resolved_at = now() - interval '47 hours 59 minutes' where id = ${atBoundary.id}`.execute(handle.db);
  await sql`update incidents set resolved_at = now() - interval '48 hours 1 minute' where id = ${past.id}`.execute(handle.db);
  const due = (await call('GET', '/v1/postmortems/due')).json().items;
  const state = (id: string) => due.find((i: { incidentId: string }) => i.incidentId === id)?.state;
  t.equal(state(atBoundary.id), 'due');
  t.equal(state(past.id), 'overdue');
  t.equal(state(sev3.id), 'review');
  t.equal(state(sev4.id), undefined, 'SEV4 needs none');
  t.equal(due[0].state, 'overdue', 'overdue first');
  await call('POST', `/v1/incidents/${past.id}/postmortem`);
  t.equal(
    (await call('GET', '/v1/postmortems/due')).json().items.find((i: { incidentId: string }) => i.incidentId === past.id).postmortem,
    'draft',
    'a draft is not enough',
  );
  await call('POST', `/v1/incidents/${past.id}/postmortem/publish`);
  t.equal(
    (await call('GET', '/v1/postmortems/due')).json().items.some((i: { incidentId: string }) => i.incidentId === past.id),
    false,
    'published: off the list',
  );
});

t.test('the incident report, as JSON and Markdown', async (t) => {
  const { call, resolvedIncident, app, viewer } = await shared;
  const inc = await resolvedIncident({ title: 'Checkout down', summary: 'Checkout returned 500s' });
  await call('POST', `/v1/incidents/${inc.id}/action-items`, { title: 'Alert on pool usage', owner: 'bob', dueDate: '2999-01-01' });
  const json = await app.inject({ url: `/v1/incidents/${inc.id}/report`, headers: viewer });
  t.equal(json.statusCode, 200, json.body);
  const r = json.json();
  t.match(r, {
    title: 'Checkout down',
    severity: 'SEV2',
    status: 'resolved',
    summary: 'Checkout returned 500s',
    rootCause: 'Not determined yet',
  });
  t.ok(r.end);
  t.equal(r.durationSeconds, Math.floor((Date.parse(r.end) - Date.parse(r.start)) / 1000));
  t.ok(r.timeline.length >= 2);
  t.equal(r.actionItems.length, 1, 'no more and no fewer');
  t.match(r.actionItems, [{ title: 'Alert on pool usage', owner: 'bob' }]);
  await call('POST', `/v1/incidents/${inc.id}/postmortem`);
  await call('PUT', `/v1/incidents/${inc.id}/postmortem`, { rootCause: 'Pool exhaustion' });
  const text = await app.inject({ url: `/v1/incidents/${inc.id}/report`, headers: { ...viewer, accept: 'text/markdown' } });
  t.equal(text.headers['content-type'], 'text/markdown; charset=utf-8');
  t.match(text.body, /^# Incident Report: Checkout down\n/);
  t.match(text.body, '## Root Cause\n\nPool exhaustion');
  t.match(text.body, '- [ ] Alert on pool usage (@bob, due 2999-01-01)');
  t.notMatch(text.body, /undefined|null/);
});
