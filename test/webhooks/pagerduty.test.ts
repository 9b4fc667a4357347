import { readFile } from 'node:fs/promises';
import t from 'tap';
import { buildTestApp, createIntegration } from '../helper.js';
import { isPagingEvent } from '../support/jobs.js';

const fixture = async (name: string, key: string) =>
  (await readFile(new URL(`../fixtures/ingest/pagerduty/${name}`, import.meta.url), 'utf8')).replaceAll('ROUTING_KEY', key);

const shared = buildTestApp(t);

async function setup(name: string, extra: Record<string, unknown> = {}) {
  const { app, auth, handle } = await shared;
  const admin = await auth('admin');
  const pd = await createIntegration(app, admin, { name, kind: 'pagerduty', ...extra });
  const send = async (payload: string, url = '/v2/enqueue', headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    app.inject({ method: 'POST', url, headers, payload });
  const incidents = async () =>
    handle.db.selectFrom('incidents').selectAll().where('integration_id', '=', pd.id).orderBy('opened_at').execute();
  return { app, admin, pd, send, incidents, db: handle.db };
}

t.test('a pagerduty integration: a 32-hex key, PagerDuty URL, no signing', async (t) => {
  const { app, admin, pd } = await setup('pd key');
  t.match(pd.key, /^[0-9a-f]{32}$/);
  t.match(pd.webhookUrl, /\/v2\/enqueue$/);
  t.equal(pd.webhookUrlWithKey, pd.webhookUrl, 'the key goes in the body, never the URL');
  const listed = (await app.inject({ url: `/v1/integrations/${pd.id}`, headers: admin })).json();
  t.equal(listed.keys[0].prefix, pd.key.slice(0, 6), 'listings show 6 of its 32 characters');
  const rotated = (await app.inject({ method: 'POST', url: `/v1/integrations/${pd.id}/rotate-key`, headers: admin, payload: {} })).json();
  t.match(rotated.key, /^[0-9a-f]{32}$/, 'a rotated key keeps the format');
  const signed = await app.inject({
    method: 'POST',
    url: '/v1/integrations',
    headers: admin,
    payload: { name: 'x', kind: 'pagerduty', signed: true },
  });
  t.equal(signed.statusCode, 400);
});

t.test('Alertmanager v2: trigger opens, repeats are duplicates, resolve resolves', async (t) => {
  const { app, admin, pd, send, incidents, db } = await setup('am');
  const first = await send(await fixture('am025-v2-trigger.json', pd.key));
  t.equal(first.statusCode, 202);
  t.same(first.json(), {
    status: 'success',
    message: 'Event processed',
    dedup_key: 'b6a1e8b0c0a9f7e0c6f1b44b3f3c0e7d8f5b8a9d2c1e0f3a4b5c6d7e8f9a0b1c',
  });
  t.match(first.headers['content-type'], /^application\/json/);
  for (let i = 0; i < 3; i++)
    t.equal((await send(await fixture('am025-v2-trigger.json', pd.key))).statusCode, 202, 'repeat interval re-send');
  let list = await incidents();
  t.equal(list.length, 1, 'one incident for the repeated key');
  t.match(list[0], { status: 'triggered', severity: 'SEV2', title: '[FIRING:2] DiskFull (node critical)' });
  const alert = await db.selectFrom('alerts').selectAll().where('integration_id', '=', pd.id).executeTakeFirstOrThrow();
  t.equal(alert.receive_count, 4);
  const deliveries = await db
    .selectFrom('deliveries')
    .select(['outcome', 'source'])
    .where('integration_id', '=', pd.id)
    .orderBy('id')
    .execute();
  t.same(
    deliveries.map((d) => (d.outcome as any).alerts[0].outcome),
    ['created', 'duplicate', 'duplicate', 'duplicate'],
  );
  t.equal(deliveries[0]!.source, 'pagerduty');
  t.equal((await send(await fixture('am025-v2-resolve.json', pd.key))).statusCode, 202);
  list = await incidents();
  t.equal(list[0]!.status, 'resolved');
  const listed = await app.inject({ url: `/v1/integrations/${pd.id}/deliveries`, headers: admin });
  t.equal(listed.statusCode, 200);
  t.equal(listed.json().items.length, 5);
  t.notMatch(listed.body, pd.key, 'the routing key is not kept in the audit copy');
  t.match(listed.json().items[0].body, /"routing_key":"\[redacted\]"/);
});

t.test('Gatus: a trigger with "dedup_key":"" gets a key; the resolve with the returned key resolves it', async (t) => {
  const { pd, send, incidents } = await setup('gatus');
  const res = await send(await fixture('gatus-trigger.json', pd.key));
  t.equal(res.statusCode, 202);
  const key = res.json().dedup_key;
  t.match(key, /^[0-9a-f]{32}$/);
  const other = (await send(await fixture('gatus-trigger.json', pd.key))).json().dedup_key;
  t.not(other, key, 'every keyless trigger is a new alert, as PagerDuty does');
  t.equal((await incidents()).length, 2);
  const resolve = await send(
    JSON.stringify({
      routing_key: pd.key,
      dedup_key: key,
      event_action: 'resolve',
      payload: { summary: 'RESOLVED: core_api', source: 'Gatus', severity: 'critical' },
    }),
  );
  t.same(resolve.json(), { status: 'success', message: 'Event processed', dedup_key: key });
  const statuses = (await incidents()).map((i) => i.status).sort();
  t.same(statuses, ['resolved', 'triggered']);
});

t.test('Zabbix: trigger, acknowledge, resolve without payload keeps what the trigger said', async (t) => {
  const { pd, send, incidents, db } = await setup('zabbix');
  const outcomes: string[] = [];
  for (const file of [
    'zabbix-trigger.json',
    'zabbix-acknowledge.json',
    'zabbix-acknowledge.json',
    'zabbix-trigger.json',
    'zabbix-resolve.json',
  ]) {
    const res = await send(await fixture(file, pd.key));
    // Zabbix treats anything but 202 with status "success" as a failure.
    t.equal(res.statusCode, 202, file);
    t.equal(res.json().status, 'success', file);
    t.equal(res.json().dedup_key, '40213', file);
    const last = await db
      .selectFrom('deliveries')
      .select('outcome')
      .where('integration_id', '=', pd.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    outcomes.push((last.outcome as any).alerts[0].outcome);
    if (outcomes.length === 2) t.equal((await incidents())[0]!.status, 'acknowledged', 'acknowledged through the lifecycle');
    if (outcomes.length === 4) t.equal((await incidents())[0]!.status, 'acknowledged', 'a repeated trigger leaves it acknowledged');
  }
  t.same(outcomes, ['created', 'acknowledged', 'duplicate', 'duplicate', 'resolved']);
  const events = await db
    .selectFrom('incident_events')
    .selectAll()
    .where('incident_id', '=', (await incidents())[0]!.id)
    .orderBy('id')
    .execute()
    .then((rows) => rows.filter((e) => !isPagingEvent(e)));
  t.same(
    events.map((e) => e.kind),
    ['created', 'acknowledged', 'alert_resolved', 'resolved'],
  );
  t.match(events[1], { actor_type: 'integration', actor_id: pd.id, actor_name: 'zabbix' });
  const [incident] = await incidents();
  t.equal(incident!.status, 'resolved');
  const alert = await db.selectFrom('alerts').selectAll().where('integration_id', '=', pd.id).executeTakeFirstOrThrow();
  t.equal(alert.title, 'High CPU utilization (over 90% for 5m)', 'title kept');
  t.equal(alert.url, 'https://zabbix.example.com');
  t.equal(alert.labels.source, 'db-1 : 10.0.0.5');
  t.equal(alert.status, 'resolved');
});

t.test('acknowledge or resolve with no open alert: accepted, nothing opened', async (t) => {
  const { pd, send, incidents, db } = await setup('nothing');
  for (const file of ['docs-acknowledge.json', 'docs-resolve.json']) {
    const res = await send(await fixture(file, pd.key));
    t.equal(res.statusCode, 202);
    t.equal(res.json().dedup_key, 'samplekeyhere');
  }
  t.equal((await incidents()).length, 0);
  const outcomes = await db.selectFrom('deliveries').select('outcome').where('integration_id', '=', pd.id).orderBy('id').execute();
  t.same(
    outcomes.map((d) => (d.outcome as any).alerts[0].outcome),
    ['ignored', 'resolved'],
  );
});

t.test('Events API v1 (healthchecks.io, Alertmanager service_key): 200 with incident_key', async (t) => {
  const { pd, send, incidents } = await setup('v1');
  const url = '/generic/2010-04-15/create_event.json';
  const trig = await send(await fixture('hc-v1-trigger.json', pd.key), url);
  t.equal(trig.statusCode, 200);
  t.same(trig.json(), { status: 'success', message: 'Event processed', incident_key: '1d4e7f0a-2b3c-4d5e-8f90-a1b2c3d4e5f6' });
  t.equal((await send(await fixture('am025-v1-trigger.json', pd.key), url)).statusCode, 200);
  t.equal((await incidents()).filter((i) => i.status === 'triggered').length, 2);
  t.equal((await send(await fixture('hc-v1-resolve.json', pd.key), url)).statusCode, 200);
  t.equal((await send(await fixture('am025-v1-resolve.json', pd.key), url)).statusCode, 200);
  t.same(
    (await incidents()).map((i) => i.status),
    ['resolved', 'resolved'],
  );
  const bad = await send(JSON.stringify({ service_key: pd.key, event_type: 'trigger' }), url);
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { status: 'invalid event', errors: [/description/] });
});

t.test("change events: 202, a change of the integration's service", async (t) => {
  const { app, admin, pd, send, db } = await setup('changes', { service: 'checkout' });
  const res = await send(await fixture('docs-change.json', pd.key), '/v2/change/enqueue');
  t.equal(res.statusCode, 202);
  t.same(res.json(), { status: 'success', message: 'Change event processed' });
  const listed = (await app.inject({ url: '/v1/changes?service=checkout', headers: admin })).json();
  t.equal(listed.items.length, 1, 'listed with the changes triage reads');
  t.match(listed.items[0], {
    kind: 'deploy',
    service: 'checkout',
    summary: 'Build Success: Increase snapshot create timeout to 30 seconds',
    author: 'acme-build-pipeline-tool-default-i-9999',
    link: 'https://acme.pagerduty.dev/build/2',
    at: '2020-07-17T08:42:58.315Z',
    recordedBy: 'changes',
  });
  const noService = await setup('changes without service');
  t.equal((await noService.send(await fixture('docs-change.json', noService.pd.key), '/v2/change/enqueue')).statusCode, 202);
  t.equal(
    (await db.selectFrom('changes').select('service').where('recorded_by', '=', 'changes without service').executeTakeFirstOrThrow())
      .service,
    'changes without service',
    'no service: the integration name',
  );
  const bad = await send(JSON.stringify({ routing_key: pd.key, payload: { summary: '' } }), '/v2/change/enqueue');
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { status: 'invalid event', errors: ['/payload/summary: is required'] });
  const audited = await db
    .selectFrom('deliveries')
    .select(['status_code', 'body'])
    .where('integration_id', '=', pd.id)
    .orderBy('id')
    .execute();
  t.notOk(
    audited.some((d) => d.body.includes(pd.key)),
    'no key in the audit copies',
  );
  t.same(
    audited.map((d) => d.status_code),
    [202, 400],
  );
});

t.test("refusals are in PagerDuty's shape, never problem+json, never a 5xx", async (t) => {
  const { app, admin, pd, send } = await setup('refusals');
  const other = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  const valid = JSON.parse(await fixture('docs-trigger.json', pd.key));
  const cases: Array<[string, string, Record<string, string>?]> = [
    ['not json', '{'],
    ['empty', ''],
    ['array', '[]'],
    ['no routing key', JSON.stringify({ ...valid, routing_key: undefined })],
    ['numeric routing key', JSON.stringify({ ...valid, routing_key: 42 })],
    ['unknown routing key', JSON.stringify({ ...valid, routing_key: '0'.repeat(32) })],
    ['another kind of key', JSON.stringify({ ...valid, routing_key: other.key })],
    ['bad action', JSON.stringify({ ...valid, event_action: 'explode' })],
    ['no payload', JSON.stringify({ ...valid, payload: undefined })],
    ['deep', `{"routing_key":"${pd.key}","event_action":"trigger","payload":${'['.repeat(200)}`],
    ['proto', `{"routing_key":"${pd.key}","event_action":"trigger","__proto__":{"x":1},"payload":{"constructor":{"prototype":{}}}}`],
    ['gzip', JSON.stringify(valid), { 'content-type': 'application/json', 'content-encoding': 'gzip' }],
    ['huge', JSON.stringify({ ...valid, payload: { ...valid.payload, custom_details: { x: 'y'.repeat(1_100_000) } } })],
  ];
  for (const [name, payload, headers] of cases) {
    const res = await send(payload, '/v2/enqueue', headers);
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${name}: ${res.statusCode}`);
    t.match(res.headers['content-type'], /^application\/json/, `${name}: JSON, not problem+json`);
    const body = res.json();
    t.equal(body.status, 'invalid event', name);
    t.equal(body.message, 'Event object is invalid', name);
    t.ok(Array.isArray(body.errors) && body.errors.length > 0 && typeof body.errors[0] === 'string', `${name}: errors[]`);
    t.notMatch(res.body, pd.key, `${name}: the key is never echoed`);
  }
  const unknown = await send(JSON.stringify({ ...valid, routing_key: '0'.repeat(32) }));
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json().errors[0], /routing_key/);
  // No Content-Type at all, or text/plain: still read as JSON (senders vary).
  t.equal((await send(JSON.stringify(valid), '/v2/enqueue', {})).statusCode, 202);
  t.equal((await send(JSON.stringify(valid), '/v2/enqueue', { 'content-type': 'text/plain' })).statusCode, 202);
});

t.test('hostile fields on a valid key: stored safely (NUL, lone surrogates, odd types)', async (t) => {
  const { pd, send } = await setup('hostile');
  const bodies = [
    { routing_key: pd.key, event_action: 'trigger', dedup_key: '\ud800', payload: { summary: '\ud800x', source: 's', severity: 'info' } },
    {
      routing_key: pd.key,
      event_action: 'trigger',
      payload: { summary: 's', source: 's', severity: 'info', custom_details: { '\u0000': '\u0000', n: null } },
      links: [{ href: '\u0000' }],
      images: [{ src: '\u0000\ud800' }],
      client: '\u0000',
      client_url: ['x'],
    },
    { routing_key: pd.key, event_action: 'trigger', dedup_key: 7, payload: { summary: 's', source: 's', severity: 'info' } },
    { routing_key: pd.key, event_action: 'acknowledge', dedup_key: 'k'.repeat(255) },
    { routing_key: pd.key, event_action: 'resolve', dedup_key: 'never-seen', payload: 'nonsense' },
  ];
  for (const [i, body] of bodies.entries()) {
    const res = await send(JSON.stringify(body));
    t.ok(res.statusCode === 202 || res.statusCode === 400, `body ${i}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
});

t.test('a trigger after a resolve with the same key fires again: reopens within the window, else a new incident', async (t) => {
  for (const [window, expected] of [
    [300, ['reopened', 1]],
    [0, ['created', 2]],
  ] as const) {
    const { pd, send, incidents, db } = await setup(`retrigger ${window}`, { reopenWindowSeconds: window });
    const trigger = await fixture('zabbix-trigger.json', pd.key);
    t.equal((await send(trigger)).statusCode, 202);
    t.equal((await send(await fixture('zabbix-resolve.json', pd.key))).statusCode, 202);
    t.equal((await send(trigger)).statusCode, 202);
    const last = await db
      .selectFrom('deliveries')
      .select('outcome')
      .where('integration_id', '=', pd.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    t.equal((last.outcome as any).alerts[0].outcome, expected[0], `window ${window}s`);
    t.equal((await incidents()).length, expected[1]);
  }
});

t.test('a routing key the sender JSON-escaped is still kept out of the audit copy', async (t) => {
  const { app, admin, pd, send } = await setup('escaped key');
  const escaped = [...pd.key].map((c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  const body = `{"routing_key":"${escaped}","event_action":"trigger","payload":{"summary":"disk full","source":"db-1","severity":"critical"}}`;
  const res = await send(body);
  t.equal(res.statusCode, 202, res.body);
  const listed = await app.inject({ url: `/v1/integrations/${pd.id}/deliveries`, headers: admin });
  t.equal(listed.json().items.length, 1);
  const stored = listed.json().items[0].body as string;
  t.notMatch(stored, pd.key);
  t.notMatch(stored, escaped, 'nor its escaped spelling');
  t.match(stored, /"routing_key":"\[redacted\]"/);
  t.match(stored, /disk full/, 'the rest of the event is kept');

  // The key sent plainly, and again escaped inside custom_details (and as a name): no copy survives.
  const both = `{"routing_key":"${pd.key}","event_action":"trigger","dedup_key":"both","payload":{"summary":"disk full again","source":"db-1","severity":"critical","custom_details":{"echo":"${escaped}","${escaped}":1}}}`;
  t.equal((await send(both)).statusCode, 202);
  const again = (await app.inject({ url: `/v1/integrations/${pd.id}/deliveries`, headers: admin })).json().items[0].body as string;
  t.match(again, /disk full again/);
  t.notMatch(again, pd.key, 'not the plain key');
  t.notMatch(again, escaped, 'nor the escaped copy elsewhere in the event');
  t.equal(JSON.parse(again).payload.custom_details.echo, '[redacted]');
});
