import t from 'tap';
import { buildTestApp, createIntegration } from '../helper.js';

// Keys follow the values' leniency: a lone surrogate becomes U+FFFD, NUL is refused
// (reported at the map's path, the key JSON-escaped in the message). No answer is a 500,
// and every delivery — accepted or refused — leaves its audit record.

const NUL = '\u0000';
const LONE = '\ud800';
/** Text PostgreSQL jsonb/text cannot hold once escaped: a NUL, or an unpaired surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const am = (labels: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  version: '4',
  receiver: 'r',
  status: 'firing',
  groupKey: `g${Math.random()}`,
  alerts: [{ status: 'firing', labels: { alertname: 'X', ...labels }, annotations: {}, startsAt: '2026-11-22T10:00:00Z', ...extra }],
});
const kuma = (tags: Array<Record<string, unknown>>) => ({
  heartbeat: { status: 0, time: '2026-11-22 10:30:00.123', msg: 'down' },
  monitor: { id: Math.floor(Math.random() * 1e6), name: 'api', type: 'http', url: 'https://api.example/health', tags },
  msg: 'down',
});
const dd = (extra: Record<string, unknown>) => ({
  alert_id: String(Math.floor(Math.random() * 1e6)),
  alert_transition: 'Triggered',
  alert_title: 'Disk full',
  ...extra,
});

type Case = {
  name: string;
  source: 'alertmanager' | 'datadog' | 'health';
  body: unknown;
  status: number;
  path?: string;
  labels?: Record<string, string>;
};

const cases: Case[] = [
  // Alertmanager labels, annotations and group labels.
  { name: 'AM label key with NUL', source: 'alertmanager', body: am({ [`a${NUL}b`]: 'x' }), status: 400, path: '/body/alerts/0/labels' },
  {
    name: 'AM label key with NUL, non-string value',
    source: 'alertmanager',
    body: am({ [`a${NUL}b`]: 5 }),
    status: 400,
    path: '/body/alerts/0/labels',
  },
  { name: 'AM label key is a lone surrogate', source: 'alertmanager', body: am({ [LONE]: 'x' }), status: 200, labels: { '\ufffd': 'x' } },
  {
    name: 'AM lone-surrogate key, non-string value',
    source: 'alertmanager',
    body: am({ [`k${LONE}`]: 5 }),
    status: 400,
    path: '/body/alerts/0/labels/k\ufffd',
  },
  {
    name: 'AM annotation key with NUL',
    source: 'alertmanager',
    body: am({}, { annotations: { [NUL]: 'x' } }),
    status: 400,
    path: '/body/alerts/0/annotations',
  },
  {
    name: 'AM annotation key lone surrogate, object value',
    source: 'alertmanager',
    body: am({}, { annotations: { [LONE]: {} } }),
    status: 400,
    path: '/body/alerts/0/annotations/\ufffd',
  },
  {
    name: 'AM groupLabels key with NUL',
    source: 'alertmanager',
    body: { ...am({}), groupKey: undefined, groupLabels: { [NUL]: 'x' } },
    status: 400,
    path: '/body/groupLabels',
  },
  {
    name: 'AM groupLabels lone-surrogate key',
    source: 'alertmanager',
    body: { ...am({}), groupKey: undefined, groupLabels: { [LONE]: 'x' } },
    status: 200,
  },
  // Datadog tags arrive as text; the body's Monitor Status link can carry a percent-encoded NUL.
  { name: 'Datadog tag with NUL', source: 'datadog', body: dd({ tags: `env:prod,a${NUL}b:x` }), status: 400, path: '/body/tags' },
  {
    name: 'Datadog tag key lone surrogate',
    source: 'datadog',
    body: dd({ tags: `${LONE}:x,env:prod` }),
    status: 200,
    labels: { '\ufffd': 'x', env: 'prod' },
  },
  { name: 'Datadog scope with NUL', source: 'datadog', body: dd({ alert_scope: `host:a${NUL}b` }), status: 400, path: '/body/alert_scope' },
  {
    name: 'Datadog link group with %00',
    source: 'datadog',
    status: 200,
    body: { ...dd({}), alert_id: undefined, body: 'x [Monitor Status](https://app.datadoghq.com/monitors/424242?group=host%3Aa%00b)' },
  },
  // Health: generic tags (a map) and Uptime Kuma tags (name/value pairs, dropped when bad).
  {
    name: 'health tags key with NUL',
    source: 'health',
    body: { check_id: 'c1', status: 'down', tags: { [`a${NUL}`]: 'x' } },
    status: 400,
    path: '/body/tags',
  },
  {
    name: 'health tags lone-surrogate key',
    source: 'health',
    body: { check_id: 'c2', status: 'down', tags: { [LONE]: 'x' } },
    status: 200,
    labels: { '\ufffd': 'x' },
  },
  {
    name: 'health tags lone-surrogate key, non-string value',
    source: 'health',
    body: { check_id: 'c3', status: 'down', tags: { [LONE]: 1 } },
    status: 400,
    path: '/body/tags/\ufffd',
  },
  {
    name: 'Kuma tag name with NUL',
    source: 'health',
    body: kuma([
      { name: `a${NUL}b`, value: 'x' },
      { name: 'service', value: 'api' },
    ]),
    status: 200,
    labels: { service: 'api' },
  },
  {
    name: 'Kuma tag name lone surrogate',
    source: 'health',
    body: kuma([{ name: LONE, value: `v${LONE}` }]),
    status: 200,
    labels: { '\ufffd': 'v\ufffd' },
  },
  {
    name: 'Kuma lone-surrogate and U+FFFD tags merge',
    source: 'health',
    body: kuma([
      { name: LONE, value: 'a' },
      { name: '\ufffd', value: 'b' },
    ]),
    status: 200,
    labels: { '\ufffd': 'a,b' },
  },
];

t.test('hostile keys in every source: a 4xx problem or the lenient 200, never a 500, always audited', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const keys = {
    alertmanager: (await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' })).key,
    datadog: (await createIntegration(app, admin, { name: 'dd', kind: 'datadog' })).key,
    health: (await createIntegration(app, admin, { name: 'hc', kind: 'health' })).key,
  };
  const audited = async () =>
    Number(
      (
        await handle.db
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  for (const c of cases) {
    const before = await audited();
    // JSON.stringify writes NUL and lone surrogates as \u escapes, as a sender's encoder would.
    const res = await app.inject({
      method: 'POST',
      url: `/v1/webhooks/${c.source}`,
      headers: { authorization: `Bearer ${keys[c.source]}`, 'content-type': 'application/json' },
      payload: JSON.stringify(c.body),
    });
    t.equal(res.statusCode, c.status, `${c.name}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    t.equal(await audited(), before + 1, `${c.name}: the delivery is recorded`);
    if (res.statusCode >= 400) {
      t.match(res.headers['content-type'], /^application\/problem\+json/, `${c.name}: problem+json`);
      const errors = (res.json().errors ?? []) as Array<{ path: string; message: string }>;
      t.ok(
        errors.every((e) => !UNSTORABLE.test(e.path) && !UNSTORABLE.test(e.message)),
        `${c.name}: no raw NUL or lone surrogate in the errors`,
      );
      if (c.path)
        t.ok(
          errors.some((e) => e.path === c.path),
          `${c.name}: an error at ${c.path} (got ${JSON.stringify(errors)})`,
        );
    } else if (c.labels && res.statusCode === 200) {
      const identity = res.json().alerts[0].identity as string;
      const row = await handle.db.selectFrom('alerts').select('labels').where('identity', '=', identity).executeTakeFirstOrThrow();
      t.match(row.labels, c.labels, `${c.name}: stored labels`);
    }
  }

  const nul = await app.inject({
    method: 'POST',
    url: '/v1/webhooks/alertmanager',
    headers: { authorization: `Bearer ${keys.alertmanager}`, 'content-type': 'application/json' },
    payload: JSON.stringify(am({ [`a${NUL}b`]: 'x' })),
  });
  t.same(
    nul.json().errors,
    [{ path: '/body/alerts/0/labels', message: 'key "a\\u0000b" must not contain NUL characters' }],
    'the NUL key is shown JSON-escaped in the message',
  );

  const outcomes = await handle.db.selectFrom('deliveries').select(['status_code', 'outcome']).where('status_code', '=', 400).execute();
  t.ok(outcomes.length >= 8, 'refused deliveries carry their errors in the audit record');
  t.ok(
    outcomes.every((o) => !UNSTORABLE.test(JSON.stringify(o.outcome))),
    'audit outcomes hold only storable text',
  );
});

t.test('a body that is not JSON and holds a raw NUL or lone surrogate is refused and audited', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  for (const kind of ['alertmanager', 'datadog', 'health', 'grafana'] as const) {
    const { key } = await createIntegration(app, admin, { name: kind, kind });
    for (const payload of [`{"alerts":[${NUL}]}`, `${NUL}{`, `{"a":tru${LONE}e}`]) {
      const res = await app.inject({
        method: 'POST',
        url: `/v1/webhooks/${kind}`,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        payload: Buffer.from(payload),
      });
      // JSON.parse's message quotes the text, NUL included: the audit record must not choke on it.
      t.equal(res.statusCode, 400, `${kind} ${JSON.stringify(payload)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
  }
  // Uptime Kuma's test message is echoed into the accepted delivery's note (src/ingest/health.ts).
  const { key } = await createIntegration(app, admin, { name: 'kuma', kind: 'health' });
  for (const msg of [`a${NUL}b`, `a${LONE}b`]) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/health',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ msg }),
    });
    t.equal(res.statusCode, 200, `Kuma test message ${JSON.stringify(msg)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
  const rows = await handle.db.selectFrom('deliveries').select('status_code').execute();
  t.ok(rows.length >= 3, 'the health refusals are audited');
});
