import t from 'tap';
import { signBody } from '../../src/ingest/signature.js';
import { buildTestApp, createIntegration } from '../helper.js';
import { makeIncident } from '../support/notify.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);

t.test('pager callbacks: signed, replay-protected, acting for the responder, on the timeline', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const admin = await auth('admin');

  const unsigned = await app.inject({ method: 'POST', url: '/v1/integrations', headers: admin, payload: { name: 'pd', kind: 'pager' } });
  t.equal(unsigned.statusCode, 400, 'a pager integration must be signed');
  t.equal(unsigned.json().errors.length, 1, 'no more and no fewer');
  t.match(unsigned.json().errors, [{ path: '/body/signed' }]);

  const pager = await createIntegration(app, admin, { name: 'pagerduty-bridge', kind: 'pager', signed: true });
  t.match(pager.webhookUrl, /\/v1\/callbacks\/pager$/);
  const secret = pager.signingSecret!;
  const incident = await makeIncident(handle.db);
  const send = (body: unknown, opts: { t?: number; secret?: string; url?: string; headers?: Record<string, string> } = {}) => {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    return app.inject({
      method: 'POST',
      url: opts.url ?? `/v1/callbacks/pager/${pager.key}`,
      payload,
      headers: {
        'content-type': 'application/json',
        'x-klaxon-signature': signBody(opts.secret ?? secret, payload, opts.t ?? nowSeconds()),
        ...opts.headers,
      },
    });
  };

  const ack = { action: 'acknowledge', incidentId: incident.id, responder: 'alice@example.com' };
  const payload = JSON.stringify(ack);
  const signature = signBody(secret, payload, nowSeconds());
  const first = await app.inject({
    method: 'POST',
    url: `/v1/callbacks/pager/${pager.key}`,
    payload,
    headers: { 'content-type': 'application/json', 'x-klaxon-signature': signature },
  });
  t.equal(first.statusCode, 200, first.body);
  t.match(first.json(), {
    incidentId: incident.id,
    incidentNumber: Number(incident.number),
    action: 'acknowledge',
    changed: true,
    status: 'acknowledged',
  });

  const replay = await app.inject({
    method: 'POST',
    url: `/v1/callbacks/pager/${pager.key}`,
    payload,
    headers: { 'content-type': 'application/json', 'x-klaxon-signature': signature },
  });
  t.equal(replay.statusCode, 409, 'a replayed callback is refused');
  t.equal(replay.json().code, 'KLX_CALLBACK_REPLAYED');

  const stale = await send(ack, { t: nowSeconds() - 301 });
  t.equal(stale.statusCode, 401, 'a stale signature is refused');
  t.equal(stale.json().code, 'KLX_INVALID_SIGNATURE');
  t.equal((await send(ack, { secret: 'klx_sig_wrong' })).statusCode, 401, 'a wrong secret is refused');
  const noSig = await app.inject({
    method: 'POST',
    url: `/v1/callbacks/pager/${pager.key}`,
    payload,
    headers: { 'content-type': 'application/json' },
  });
  t.equal(noSig.statusCode, 401);
  t.equal((await send(ack, { url: '/v1/callbacks/pager/klx_int_unknown' })).statusCode, 401, 'an unknown key');
  const am = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager', signed: true });
  t.equal((await send(ack, { url: `/v1/callbacks/pager/${am.key}`, secret: am.signingSecret })).statusCode, 401, "another kind's key");

  const again = await send({ ...ack, responder: 'bob' });
  t.equal(again.statusCode, 200);
  t.match(again.json(), { changed: false, status: 'acknowledged' }, 'acknowledging twice changes nothing');

  const escalate = await send({ action: 'escalate', dedupKey: incident.id, responder: 'alice@example.com' });
  t.equal(escalate.statusCode, 200, escalate.body);
  t.match(escalate.json(), { changed: false, status: 'acknowledged' }, 'escalating an acknowledged incident changes nothing');

  // The Authorization header form, and a dedup key instead of the id.
  const resolve = await send(
    { action: 'resolve', dedupKey: incident.id.toUpperCase(), responder: 'carol', message: 'rolled back' },
    { url: '/v1/callbacks/pager', headers: { authorization: `Bearer ${pager.key}` } },
  );
  t.equal(resolve.statusCode, 200, resolve.body);
  t.match(resolve.json(), { changed: true, status: 'resolved' });
  const twice = await send({ action: 'resolve', incidentId: incident.id, responder: 'carol' });
  t.equal(twice.statusCode, 409);
  t.equal(twice.json().code, 'KLX_INVALID_TRANSITION');

  const events = await handle.db
    .selectFrom('incident_events')
    .selectAll()
    .where('incident_id', '=', incident.id)
    .where('kind', '=', 'pager_callback')
    .orderBy('id')
    .execute();
  t.equal(events.length, 4, 'refused callbacks (replay, bad signature, a second resolve) wrote nothing');
  t.match(
    events.map((e) => e.data),
    [
      { action: 'acknowledge', responder: 'alice@example.com', integrationId: pager.id, changed: true },
      { action: 'acknowledge', responder: 'bob', changed: false },
      { action: 'escalate', responder: 'alice@example.com', changed: false },
      { action: 'resolve', responder: 'carol', changed: true, message: 'rolled back' },
    ],
    'each accepted callback is on the timeline with who did it',
  );
  t.match(events[0]!.message, 'alice@example.com asked to acknowledge via pagerduty-bridge');
});

t.test('bad callbacks are 4xx problems', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const pager = await createIntegration(app, await auth('admin'), { name: 'p', kind: 'pager', signed: true });
  const incident = await makeIncident(handle.db);
  const send = (payload: string) =>
    app.inject({
      method: 'POST',
      url: `/v1/callbacks/pager/${pager.key}`,
      payload,
      headers: { 'content-type': 'application/json', 'x-klaxon-signature': signBody(pager.signingSecret!, payload, nowSeconds()) },
    });
  const cases: [string, number, string, RegExp?][] = [
    ['not json', 400, 'KLX_MALFORMED_BODY'],
    [`{"action":"acknowledge","incidentId":"${incident.id}"}`, 400, 'KLX_VALIDATION', /responder/],
    [`{"action":"snooze","incidentId":"${incident.id}","responder":"a"}`, 400, 'KLX_VALIDATION', /action/],
    ['{"action":"acknowledge","responder":"a"}', 400, 'KLX_VALIDATION'],
    ['{"action":"acknowledge","dedupKey":"not-an-id","responder":"a"}', 404, 'KLX_INCIDENT_NOT_FOUND'],
    ['{"action":"acknowledge","incidentId":"00000000-0000-4000-8000-000000000000","responder":"a"}', 404, 'KLX_INCIDENT_NOT_FOUND'],
    [`{"action":"acknowledge","incidentId":"${incident.id}","responder":"a","extra":1}`, 400, 'KLX_VALIDATION'],
  ];
  for (const [payload, status, code, detail] of cases) {
    const res = await send(payload);
    t.equal(res.statusCode, status, `${payload} → ${status}`);
    t.equal(res.json().code, code);
    t.match(res.headers['content-type'], /^application\/problem\+json/);
    if (detail) t.match(JSON.stringify(res.json()), detail);
  }
  // Every refusal rolled back: the incident is as it was.
  const status = await handle.db.selectFrom('incidents').select('status').where('id', '=', incident.id).executeTakeFirstOrThrow();
  t.equal(status.status, 'triggered', 'nothing was applied');
});
