import { sql } from 'kysely';
import t from 'tap';
import { signBody } from '../../src/ingest/signature.js';
import { buildTestApp, createIntegration } from '../helper.js';

const amBody = JSON.stringify({
  version: '4',
  receiver: 'r',
  status: 'firing',
  groupKey: '{}:{}',
  alerts: [{ status: 'firing', labels: { alertname: 'X' }, startsAt: '2026-11-22T10:00:00Z', endsAt: '0001-01-01T00:00:00Z' }],
});

// One app and database for the file: each subtest reads and changes only the integrations it created.
const shared = buildTestApp(t);

t.test('create, read, update, delete; secrets only at creation', async (t) => {
  const { app, handle, auth } = await shared;
  const admin = await auth('admin');
  const created = await app.inject({
    method: 'POST',
    url: '/v1/integrations',
    headers: { ...admin, host: 'klaxon.example:8080' },
    payload: {
      name: 'prod am',
      kind: 'alertmanager',
      service: 'api',
      groupingLabels: ['cluster'],
      reopenWindowSeconds: 60,
      severityRules: [{ name: 'db', matchers: [{ name: 'team', value: 'db.*', isRegex: true }], severity: 'SEV1' }],
    },
  });
  t.equal(created.statusCode, 201, created.body);
  const body = created.json();
  t.match(body, {
    name: 'prod am',
    kind: 'alertmanager',
    service: 'api',
    reopenWindowSeconds: 60,
    signed: false,
    webhookUrl: 'http://klaxon.example:8080/v1/webhooks/alertmanager',
    key: /^klx_int_/,
    heartbeat: null,
  });
  // Lists compared whole: t.match would pass on a list that merely starts with these.
  t.strictSame(body.groupingLabels, ['cluster']);
  t.strictSame(body.severityRules, [
    { name: 'db', matchers: [{ name: 'team', value: 'db.*', isRegex: true, isEqual: true }], severity: 'SEV1' },
  ]);
  t.equal(body.webhookUrlWithKey, `${body.webhookUrl}/${body.key}`);
  const stored = JSON.stringify(await handle.db.selectFrom('integration_keys').selectAll().execute());
  t.notOk(stored.includes(body.key), 'only the key hash is stored');

  const got = (await app.inject({ url: `/v1/integrations/${body.id}`, headers: admin })).json();
  t.notOk('key' in got, 'the key is not shown again');
  t.equal(got.keys.length, 1);
  const second = await createIntegration(app, admin, { name: 'second', kind: 'datadog' });
  const listed = (
    (await app.inject({ url: '/v1/integrations', headers: admin })).json().items as {
      id: string;
      name: string;
      keys: { prefix: string }[];
    }[]
  ).filter((i) => i.id === body.id || i.id === second.id);
  t.same(
    listed.map((i) => [i.name, i.keys.map((k) => k.prefix)]),
    [
      ['prod am', [body.key.slice(0, 16)]],
      ['second', [second.key.slice(0, 16)]],
    ],
    'each integration lists its own keys',
  );

  const patched = await app.inject({
    method: 'PATCH',
    url: `/v1/integrations/${body.id}`,
    headers: admin,
    payload: { name: 'renamed', signed: true },
  });
  t.equal(patched.statusCode, 200, patched.body);
  t.match(patched.json(), { name: 'renamed', signed: true, signingSecret: /^klx_sig_/, service: 'api' });
  const again = await app.inject({ method: 'PATCH', url: `/v1/integrations/${body.id}`, headers: admin, payload: { signed: true } });
  t.notOk('signingSecret' in again.json(), 'an existing secret is never shown again');

  t.equal((await app.inject({ method: 'DELETE', url: `/v1/integrations/${body.id}`, headers: admin })).statusCode, 204);
  t.equal((await app.inject({ url: `/v1/integrations/${body.id}`, headers: admin })).statusCode, 404);
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/integrations/${body.id}`, headers: admin })).statusCode, 404);
});

t.test('validation names the field; responders cannot manage integrations', async (t) => {
  const { app, auth } = await shared;
  const admin = await auth('admin');
  const cases: [object, string][] = [
    [{ name: 'x', kind: 'nagios' }, '/body/kind'],
    [{ name: 'x', kind: 'heartbeat' }, '/body/heartbeat'],
    [{ name: 'x', kind: 'alertmanager', heartbeat: { intervalSeconds: 60, graceSeconds: 0 } }, '/body/heartbeat'],
    [
      { name: 'x', kind: 'alertmanager', severityRules: [{ matchers: [{ name: 'a', value: '(?=a)', isRegex: true }], severity: 'SEV1' }] },
      '/body/severityRules/0/matchers/0/value',
    ],
    [
      { name: 'x', kind: 'alertmanager', severityRules: [{ matchers: [{ name: 'a', value: '(', isRegex: true }], severity: 'SEV1' }] },
      '/body/severityRules/0/matchers/0/value',
    ],
    [{ name: 'x', kind: 'alertmanager', reopenWindowSeconds: -1 }, '/body/reopenWindowSeconds'],
    [{ name: 'x', kind: 'alertmanager', promoteAfterAlerts: 1 }, '/body/promoteAfterAlerts'],
  ];
  for (const [payload, path] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/integrations', headers: admin, payload });
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.ok(
      res.json().errors?.some((e: { path: string }) => e.path === path),
      `${path} in ${res.body}`,
    );
  }
  const responder = await auth('responder');
  t.equal(
    (await app.inject({ method: 'POST', url: '/v1/integrations', headers: responder, payload: { name: 'x', kind: 'datadog' } })).statusCode,
    403,
  );
  t.equal((await app.inject({ url: '/v1/integrations', headers: responder })).statusCode, 403);
});

t.test('rotate-key: the old key keeps working for the overlap, then stops', async (t) => {
  const { app, handle, auth } = await shared;
  const admin = await auth('admin');
  const integration = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  const send = (key: string) =>
    app.inject({
      method: 'POST',
      url: `/v1/webhooks/alertmanager/${key}`,
      payload: amBody,
      headers: { 'content-type': 'application/json' },
    });
  const rotated = await app.inject({
    method: 'POST',
    url: `/v1/integrations/${integration.id}/rotate-key`,
    headers: admin,
    payload: { overlapSeconds: 3600 },
  });
  t.equal(rotated.statusCode, 200, rotated.body);
  const { key: newKey, previousKeysExpireAt } = rotated.json();
  t.not(newKey, integration.key);
  t.ok(Math.abs(Date.parse(previousKeysExpireAt) - Date.now() - 3600_000) < 60_000);
  t.equal((await send(integration.key)).statusCode, 200, 'old key works during the overlap');
  t.equal((await send(newKey)).statusCode, 200, 'new key works');
  // The overlap ends.
  await sql`update integration_keys set expires_at = now() - interval '1 second'
    where expires_at is not null and integration_id = ${integration.id}`.execute(handle.db);
  t.equal((await send(integration.key)).statusCode, 401, 'old key refused after the overlap');
  t.equal((await send(newKey)).statusCode, 200);
  const keys = (await app.inject({ url: `/v1/integrations/${integration.id}`, headers: admin })).json().keys;
  t.equal(keys.length, 1, 'expired keys are not listed');
});

t.test('signed integrations require a fresh, matching X-Klaxon-Signature', async (t) => {
  const { app, auth } = await shared;
  const integration = await createIntegration(app, await auth('admin'), { name: 'signed', kind: 'alertmanager', signed: true });
  const secret = integration.signingSecret!;
  const now = Math.floor(Date.now() / 1000);
  const send = (signature?: string, body = amBody) =>
    app.inject({
      method: 'POST',
      url: '/v1/webhooks/alertmanager',
      payload: body,
      headers: {
        authorization: `Bearer ${integration.key}`,
        'content-type': 'application/json',
        ...(signature ? { 'x-klaxon-signature': signature } : {}),
      },
    });
  const refused: [string, string | undefined][] = [
    ['missing', undefined],
    ['garbage', 'sha256=abc'],
    ['wrong secret', signBody('klx_sig_wrong', amBody, now)],
    ['other body', signBody(secret, `${amBody} `, now)],
    ['too old', signBody(secret, amBody, now - 600)],
    ['from the future', signBody(secret, amBody, now + 600)],
  ];
  for (const [name, signature] of refused) {
    const res = await send(signature);
    t.equal(res.statusCode, 401, name);
    t.match(res.json(), { code: 'KLX_INVALID_SIGNATURE', detail: /X-Klaxon-Signature/ }, name);
  }
  const ok = await send(signBody(secret, amBody, now));
  t.equal(ok.statusCode, 200, ok.body);
  t.equal(ok.json().alerts[0].outcome, 'created');
  const audit = await app.inject({ url: `/v1/integrations/${integration.id}/deliveries?limit=5`, headers: await auth('admin') });
  t.equal(audit.statusCode, 200, audit.body);
  const [last] = audit.json().items;
  t.match(last, { statusCode: 200, body: amBody, bodyTruncated: false });
  t.strictSame(
    last.outcome.alerts.map((a: { outcome: string }) => a.outcome),
    ['created'],
  );
  t.equal(audit.json().items.length, 1, 'refused (unauthenticated) deliveries are not recorded');
});
