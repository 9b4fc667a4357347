import { readFile } from 'node:fs/promises';
import t, { type Test } from 'tap';
import { buildTestApp, createIntegration } from '../helper.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/ingest/opsgenie/${name}`, import.meta.url), 'utf8');
const shared = buildTestApp(t);

async function setup(name: string) {
  const { app, auth, handle } = await shared;
  const admin = await auth('admin');
  const og = await createIntegration(app, admin, { name, kind: 'opsgenie', service: 'shop' });
  const headers = { authorization: `GenieKey ${og.key}`, 'content-type': 'application/json' };
  const post = (url: string, payload?: string, extra: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, ...(payload === undefined ? {} : { payload }) });
  const status = async (requestId: string) => (await app.inject({ url: `/v2/alerts/requests/${requestId}`, headers })).json().data;
  const incidents = () => handle.db.selectFrom('incidents').selectAll().where('integration_id', '=', og.id).orderBy('opened_at').execute();
  return { app, admin, og, post, status, incidents, db: handle.db, headers };
}

function accepted(t: Test, res: { statusCode: number; json(): any }) {
  t.equal(res.statusCode, 202);
  const body = res.json();
  t.equal(body.result, 'Request will be processed');
  t.type(body.took, 'number');
  t.match(body.requestId, /^[0-9a-f-]{36}$/);
  return body.requestId as string;
}

t.test('an opsgenie integration: the base URL senders append v2/alerts to; no signing', async (t) => {
  const { app, admin, og } = await setup('og url');
  t.match(og.webhookUrl, /^http:\/\/[^/]+\/$/);
  t.equal(og.webhookUrlWithKey, og.webhookUrl);
  const signed = await app.inject({
    method: 'POST',
    url: '/v1/integrations',
    headers: admin,
    payload: { name: 'x', kind: 'opsgenie', signed: true },
  });
  t.equal(signed.statusCode, 400);
});

t.test('Alertmanager: create opens, repeats are duplicates, close by alias resolves; status endpoint', async (t) => {
  const { post, status, incidents, db, og } = await setup('am');
  const create = await fixture('am025-create.json');
  const first = accepted(t, await post('/v2/alerts', create));
  accepted(t, await post('/v2/alerts', create));
  let list = await incidents();
  t.equal(list.length, 1);
  t.match(list[0], { status: 'triggered', severity: 'SEV2', service: 'shop', title: '[FIRING:1] DiskFull db-1 (node critical)' });
  const alias = JSON.parse(create).alias;
  const alert = await db.selectFrom('alerts').selectAll().where('integration_id', '=', og.id).executeTakeFirstOrThrow();
  t.equal(alert.receive_count, 2);
  t.same(await status(first), {
    success: true,
    action: 'Create',
    processedAt: (await status(first)).processedAt,
    integrationId: og.id,
    isSuccess: true,
    status: 'Created alert',
    alertId: alert.id,
    alias,
  });
  const close = accepted(t, await post(`/v2/alerts/${alias}/close?identifierType=alias`, await fixture('am025-close.json')));
  list = await incidents();
  t.equal(list[0]!.status, 'resolved');
  t.match(await status(close), { success: true, action: 'Close', status: 'Closed alert', alias });
  const kept = await db.selectFrom('alerts').selectAll().where('id', '=', alert.id).executeTakeFirstOrThrow();
  t.equal(kept.title, alert.title, "a close keeps the create's details");
});

t.test('a close for an unknown alias is a 202 (Alertmanager must not log failures); its status says so', async (t) => {
  const { post, status, incidents } = await setup('unknown');
  const id = accepted(t, await post('/v2/alerts/never-sent/close?identifierType=alias', '{"source":"Alertmanager"}'));
  t.match(await status(id), { success: false, isSuccess: false, status: 'Alert does not exist', action: 'Close' });
  const byId = accepted(t, await post('/v2/alerts/00000000-0000-4000-8000-000000000000/close', ''));
  t.match(await status(byId), { success: false, status: 'Alert does not exist' });
  accepted(t, await post('/v2/alerts/abc/close?identifierType=tiny'));
  t.equal((await incidents()).length, 0);
});

t.test('Grafana: full alerts URL, close by alias; Zabbix: ack and notes by id, with polling', async (t) => {
  const { post, status, incidents, db, og } = await setup('grafana-zabbix');
  accepted(t, await post('/v2/alerts', await fixture('grafana-create.json')));
  const alias = JSON.parse(await fixture('grafana-create.json')).alias;
  accepted(t, await post(`/v2/alerts/${alias}/close?identifierType=alias`, await fixture('grafana-close.json')));
  // Zabbix's opsgenie_api ends in a slash.
  const created = accepted(t, await post('/v2/alerts/', await fixture('zabbix-create.json')));
  const { alertId } = await status(created);
  t.match(alertId, /^[0-9a-f-]{36}$/, 'Zabbix reads data.alertId');
  const ack = accepted(t, await post(`/v2/alerts/${alertId}/acknowledge?identifierType=id`, await fixture('zabbix-acknowledge.json')));
  t.match(await status(ack), { success: true, action: 'Acknowledge', status: 'Acknowledged alert', alias: '40987' });
  const zabbix = (await incidents()).find((i) => i.title.startsWith('Problem:'))!;
  t.equal(zabbix.status, 'acknowledged', 'acknowledged through the lifecycle');
  const again = accepted(t, await post('/v2/alerts/40987/acknowledge?identifierType=alias', '{}'));
  const lastOutcome = async () =>
    ((await db.selectFrom('deliveries').select('outcome').where('request_id', '=', again).executeTakeFirstOrThrow()).outcome as any)
      .alerts[0].outcome;
  t.equal(await lastOutcome(), 'duplicate', 'a second acknowledge changes nothing');
  const note = accepted(t, await post(`/v2/alerts/40987/notes?identifierType=alias`, await fixture('zabbix-notes.json')));
  t.match(await status(note), { success: true, action: 'AddNote', status: 'Added note' });
  const events = await db.selectFrom('incident_events').selectAll().where('incident_id', '=', zabbix.id).orderBy('id').execute();
  const acked = events.filter((e) => e.kind === 'acknowledged');
  t.equal(acked.length, 1, 'one acknowledged event');
  t.match(acked[0], { actor_type: 'integration', actor_id: og.id, actor_name: 'grafana-zabbix' });
  const notes = events.filter((e) => e.kind === 'note');
  t.equal(notes.length, 1);
  t.match(notes[0], {
    message: 'Note by Admin (Zabbix Administrator) via grafana-zabbix (Zabbix, alert 40987): Restarted the memory hog',
    data: { text: 'Restarted the memory hog' },
    actor_type: 'integration',
    actor_name: 'Admin (Zabbix Administrator) via grafana-zabbix',
  });
  const unack = accepted(t, await post(`/v2/alerts/40987/unacknowledge?identifierType=alias`, '{}'));
  t.match(await status(unack), { success: false, action: 'UnAcknowledge' });
  accepted(t, await post(`/v2/alerts/40987/close?identifierType=alias`, '{"source":"Zabbix"}'));
  t.same(
    (await incidents()).map((i) => i.status),
    ['resolved', 'resolved'],
  );
});

t.test('PUT message and description (Alertmanager update_alerts) update the alert; unknown alias is a 202', async (t) => {
  const { app, headers, post, status, db, og } = await setup('updates');
  accepted(t, await post('/v2/alerts', '{"message":"first","alias":"u1"}'));
  const put = (url: string, payload: string) => app.inject({ method: 'PUT', url, headers, payload });
  const msg = accepted(t, await put('/v2/alerts/u1/message?identifierType=alias', '{"message":"second  text"}'));
  accepted(t, await put('/v2/alerts/u1/description?identifierType=alias', '{"description":"longer words"}'));
  const row = await db
    .selectFrom('alerts')
    .selectAll()
    .where('integration_id', '=', og.id)
    .where('identity', '=', 'u1')
    .executeTakeFirstOrThrow();
  t.equal(row.title, 'second text');
  t.equal(row.annotations.description, 'longer words');
  t.match(await status(msg), { success: true, action: 'UpdateMessage', status: 'Updated message' });
  const unknown = accepted(t, await put('/v2/alerts/nope/message?identifierType=alias', '{"message":"x"}'));
  t.match(await status(unknown), { success: false, status: 'Alert does not exist' });
  t.equal((await put('/v2/alerts/u1/message?identifierType=alias', '{}')).statusCode, 400);
});

t.test("refusals in Opsgenie's shape; never problem+json, never a 5xx; the key never echoed", async (t) => {
  const { app, admin, og, post, headers } = await setup('refusals');
  const other = await createIntegration(app, admin, { name: 'pd', kind: 'pagerduty' });
  const cases: Array<[string, () => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>, number]> = [
    ['no key', () => app.inject({ method: 'POST', url: '/v2/alerts', payload: '{"message":"x"}' }), 401],
    ['bad key', () => post('/v2/alerts', '{"message":"x"}', { authorization: 'GenieKey nope' }), 401],
    ['other kind', () => post('/v2/alerts', '{"message":"x"}', { authorization: `GenieKey ${other.key}` }), 401],
    ['not json', () => post('/v2/alerts', '{'), 400],
    ['empty create', () => post('/v2/alerts', ''), 400],
    ['no message', () => post('/v2/alerts', '{"alias":"a"}'), 400],
    ['bad priority', () => post('/v2/alerts', '{"message":"m","priority":"P0"}'), 400],
    ['bad identifierType', () => post('/v2/alerts/a/close?identifierType=name', '{}'), 400],
    ['note missing', () => post('/v2/alerts/a/notes?identifierType=alias', '{}'), 400],
    ['close body array', () => post('/v2/alerts/a/close?identifierType=alias', '[1]'), 400],
    ['gzip', () => post('/v2/alerts', '{"message":"m"}', { 'content-encoding': 'gzip' }), 415],
    ['huge', () => post('/v2/alerts', JSON.stringify({ message: 'x'.repeat(1_100_000) })), 413],
    ['unknown request', () => app.inject({ url: '/v2/alerts/requests/00000000-0000-4000-8000-000000000000', headers }), 404],
    ['junk request id', () => app.inject({ url: '/v2/alerts/requests/%00', headers }), 400],
    ['deep', () => post('/v2/alerts', `{"message":"m","details":${'['.repeat(100)}`), 400],
    ['nul', () => post('/v2/alerts', '{"message":"a\\u0000b"}'), 400],
  ];
  for (const [name, send, expected] of cases) {
    const res = await send();
    t.equal(res.statusCode, expected, `${name}: ${res.body.slice(0, 200)}`);
    t.match(String(res.headers['content-type']), /^application\/json/, `${name}: not problem+json`);
    const body = JSON.parse(res.body);
    t.type(body.message, 'string', name);
    t.type(body.took, 'number', name);
    t.type(body.requestId, 'string', name);
    t.notMatch(res.body, og.key, `${name}: key not echoed`);
  }
  const odd = await post(
    '/v2/alerts',
    JSON.stringify({
      message: '\ud800',
      alias: '\ud800',
      details: { '\u0000': { x: '\u0000' } },
      tags: [1, '\u0000'],
      responders: '\u0000',
    }),
  );
  t.ok(odd.statusCode === 202 || odd.statusCode === 400, `hostile fields: ${odd.statusCode} ${odd.body}`);
  t.equal((await post('/v2/alerts', '{"message":"m"}', { authorization: `Bearer ${og.key}` })).statusCode, 202, 'Bearer works too');
  t.equal((await post('/v2/alerts', '{"message":"m"}', { 'content-type': 'text/plain' })).statusCode, 202, 'any content type');
});
