import t from 'tap';
import { buildTestApp, createIntegration } from '../helper.js';

const ZERO = '0001-01-01T00:00:00Z';
const valid = (labels: Record<string, string> = { alertname: 'X' }) => ({
  version: '4',
  receiver: 'r',
  status: 'firing',
  groupKey: '{}:{}',
  alerts: [{ status: 'firing', labels, annotations: {}, startsAt: '2026-11-22T10:00:00Z', endsAt: ZERO }],
});

t.test('hostile and malformed webhook bodies: fast 4xx problems, nothing stored', async (t) => {
  const { app, handle, auth } = await buildTestApp(t, { bodyLimit: 1024 * 1024 });
  const integration = await createIntegration(app, await auth('admin'), { name: 'am', kind: 'alertmanager' });
  const post = (payload: string | Buffer, contentType = 'application/json') =>
    app.inject({
      method: 'POST',
      url: '/v1/webhooks/alertmanager',
      headers: { authorization: `Bearer ${integration.key}`, 'content-type': contentType },
      payload,
    });

  const manyLabels = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`l${i}`, 'v']));
  const cases: [string, string | Buffer, number, RegExp?][] = [
    ['invalid JSON', '{"alerts": [', 400, /not valid JSON/],
    ['wrong types', JSON.stringify({ ...valid(), alerts: 'many' }), 400],
    ['missing fields', JSON.stringify({ receiver: 'r' }), 400],
    ['empty object', '{}', 400],
    ['top-level array', JSON.stringify([valid()]), 400],
    ['5,000 labels', JSON.stringify(valid(manyLabels)), 400],
    ['2 MB body', JSON.stringify({ ...valid(), pad: 'x'.repeat(2 * 1024 * 1024) }), 413],
    ['50,000-deep nesting', '['.repeat(50_000) + ']'.repeat(50_000), 400, /nested deeper/],
    ['NUL byte in a label', JSON.stringify(valid({ alertname: 'a\u0000b' })), 400, /NUL/],
    ['empty body', '', 400],
  ];
  for (const [name, payload, status, detail] of cases) {
    const started = process.hrtime.bigint();
    const res = await post(payload);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    t.equal(res.statusCode, status, `${name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`);
    if (detail) t.match(res.json().detail, detail, `${name}: detail`);
    if (status === 400) t.ok(res.json().errors?.[0]?.path?.startsWith('/body'), `${name}: error path under /body`);
    t.comment(`${name}: ${ms.toFixed(1)} ms`);
  }
  const count = async (table: 'incidents' | 'alerts') =>
    (
      await handle.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
  t.equal(await count('incidents'), 0, 'no incident from any bad body');
  t.equal(await count('alerts'), 0, 'no alert from any bad body');

  // Documented leniency: lone surrogates become U+FFFD, duplicate keys keep the last value.
  const lone = await post(
    '{"version":"4","receiver":"r","status":"firing","groupKey":"g","alerts":[{"status":"firing","labels":{"alertname":"bad\\ud800name"},"startsAt":"2026-11-22T10:00:00Z","endsAt":"0001-01-01T00:00:00Z"}]}',
  );
  t.equal(lone.statusCode, 200, 'a lone surrogate is accepted');
  const dup = await post(
    '{"version":"4","receiver":"r","status":"firing","groupKey":"g","alerts":[{"status":"firing","labels":{"alertname":"first","alertname":"Dup"},"startsAt":"2026-11-22T10:00:00Z","endsAt":"0001-01-01T00:00:00Z"}]}',
  );
  t.equal(dup.statusCode, 200, 'duplicate keys are accepted');
  const labels = (await handle.db.selectFrom('alerts').select('labels').execute()).map((r) => r.labels.alertname);
  t.same(labels.sort(), ['Dup', 'bad\ufffdname']);

  // One bad alert among good ones: the whole delivery is refused, nothing half-applied.
  const mixed = valid();
  mixed.alerts.push({
    status: 'firing',
    labels: 'oops' as unknown as Record<string, string>,
    annotations: {},
    startsAt: '2026-11-22T10:00:00Z',
    endsAt: ZERO,
  });
  const before = await count('alerts');
  const res = await post(JSON.stringify({ ...mixed, groupKey: 'other' }));
  t.equal(res.statusCode, 400);
  t.ok(res.json().errors.some((e: { path: string }) => e.path === '/body/alerts/1/labels'));
  t.equal(await count('alerts'), before, 'nothing from the half-good delivery');

  const recorded = await handle.db
    .selectFrom('deliveries')
    .select(['status_code', 'body_bytes', 'body'])
    .where('status_code', '=', 400)
    .execute();
  t.ok(recorded.length >= 8, 'rejected deliveries are recorded for audit');
  t.ok(
    recorded.every((d) => d.body.length <= 8192),
    'recorded bodies are truncated',
  );
});

t.test('keys: unknown, revoked, other-kind and missing keys all get the same 401', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const am = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  const dd = await createIntegration(app, admin, { name: 'dd', kind: 'datadog' });
  const body = JSON.stringify(valid());
  const attempts = [
    { url: '/v1/webhooks/alertmanager', headers: {} },
    { url: '/v1/webhooks/alertmanager', headers: { authorization: 'Bearer klx_int_nope' } },
    { url: `/v1/webhooks/alertmanager/${dd.key}`, headers: {} },
    { url: '/v1/webhooks/alertmanager', headers: { authorization: `Bearer ${dd.key}` } },
  ];
  const bodies = new Set<string>();
  for (const a of attempts) {
    const res = await app.inject({
      method: 'POST',
      url: a.url,
      headers: { ...a.headers, 'content-type': 'application/json' },
      payload: body,
    });
    t.equal(res.statusCode, 401);
    bodies.add(JSON.stringify({ ...res.json(), requestId: undefined, instance: undefined }));
  }
  t.equal(bodies.size, 1, 'the same answer either way');
  await app.inject({ method: 'DELETE', url: `/v1/integrations/${am.id}`, headers: admin });
  const gone = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/alertmanager/${am.key}`,
    headers: { 'content-type': 'application/json' },
    payload: body,
  });
  t.equal(gone.statusCode, 401, "a deleted integration's key stops working");
  t.notMatch(gone.json().instance, am.key, 'the key in the path is not echoed');
});
