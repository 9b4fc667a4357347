import { readFileSync } from 'node:fs';
import t from 'tap';
import { adaptAlertmanager, alertmanagerSeverity } from '../../src/ingest/alertmanager.js';
import { labelsFingerprint } from '../../src/ingest/fingerprint.js';
import { type AdapterContext, type AdapterResult, PayloadError } from '../../src/ingest/types.js';

const raw = (name: string): string => readFileSync(new URL(`../fixtures/ingest/alertmanager/${name}`, import.meta.url), 'utf8');
const load = (name: string): any => JSON.parse(raw(name));
const ctx = (rawBody = '', receivedAt = new Date('2026-11-22T10:50:00Z')): AdapterContext => ({ receivedAt, rawBody });

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    Object.values(o).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
}

/** Runs the adapter on a frozen copy, so any mutation of the input throws. */
function adapt(body: unknown, c = ctx()): AdapterResult {
  return adaptAlertmanager(deepFreeze(structuredClone(body)), c);
}

function issuesOf(body: unknown): Array<{ path: string; message: string }> {
  try {
    adapt(body);
  } catch (err) {
    if (err instanceof PayloadError) return err.issues;
    throw err;
  }
  throw new Error('expected a PayloadError');
}

t.test('recorded AM 0.25 firing group', async (t) => {
  const res = adapt(load('am025-firing.json'), ctx(raw('am025-firing.json')));
  t.equal(res.truncatedAlerts, 0);
  t.equal(res.alerts.length, 2);
  const [a, b] = res.alerts;
  t.equal(a?.identity, '24778873862a37b7', 'the fingerprint Alertmanager sent');
  t.equal(a?.groupKey, 'klaxon:{}:{alertname="DiskFull"}');
  t.equal(a?.status, 'firing');
  t.equal(a?.title, 'Disk /var is 97% full on db-1 & <growing>', 'summary, with \\u0026 \\u003c \\u003e decoded');
  t.same(a?.severity, { severity: 'SEV2', reason: 'alertmanager label severity="critical" → SEV2' });
  t.equal(a?.labels['status'], 'weird', 'a label named status is just a label');
  t.equal(a?.labels['fingerprint'], 'not-a-fingerprint', 'a label named fingerprint is just a label');
  t.equal(a?.service, 'postgres');
  t.equal(a?.url, 'http://prometheus.example:9090/graph?g0.expr=disk_free%3C0.03&g0.tab=1');
  t.equal(a?.startsAt?.toISOString(), '2026-11-22T10:45:41.385Z', 'nanoseconds truncated to ms');
  t.equal(a?.endsAt, null, 'zero endsAt means not ended');
  t.equal(a?.annotations['description'], 'Free space below 3%.\nRunbook: https://runbooks.example/disk');

  t.equal(b?.identity, 'fcba5988856ede2b');
  t.equal(b?.title, 'Espace disque faible sur nœud 東京 🚀', 'description first line when no summary');
  t.equal(b?.labels['instance'], 'nœud-東京-🚀:9100');
  t.same(b?.severity, { severity: 'SEV3', reason: 'alertmanager label severity="warning" → SEV3' });
  t.equal(b?.service, undefined, 'job is not used as the service');
});

t.test('recorded AM 0.25 resolve sequence', async (t) => {
  const mixed = adapt(load('am025-one-resolved.json'));
  t.same(
    mixed.alerts.map((a) => [a.identity, a.status]),
    [
      ['24778873862a37b7', 'resolved'],
      ['fcba5988856ede2b', 'firing'],
    ],
  );
  t.equal(mixed.alerts[0]?.endsAt?.toISOString(), '2026-11-22T10:45:48.958Z');
  t.equal(mixed.alerts[1]?.endsAt, null);

  const done = adapt(load('am025-resolved.json'));
  t.equal(done.alerts.length, 1);
  t.equal(done.alerts[0]?.status, 'resolved');
  t.equal(done.alerts[0]?.identity, 'fcba5988856ede2b');
  t.equal(done.alerts[0]?.groupKey, 'klaxon:{}:{alertname="DiskFull"}', 'same group as when it fired');
});

t.test('recorded AM 0.25 truncated delivery', async (t) => {
  const res = adapt(load('am025-truncated.json'));
  t.equal(res.truncatedAlerts, 1);
  t.equal(res.alerts.length, 2);
  const [a, b] = res.alerts;
  t.equal(a?.groupKey, 'klaxon-truncated:{}/{team="truncate"}:{alertname="HighLatency"}');
  t.same(a?.severity, { severity: 'SEV1', reason: 'alertmanager label severity="page" → SEV1' });
  t.equal(a?.startsAt?.toISOString(), '2026-11-22T10:36:02.123Z');
  t.equal(b?.startsAt?.toISOString(), '2026-11-22T10:36:02.500Z', '"16:06:02.5+05:30" as sent');
  t.same(b?.severity, { severity: 'SEV3', reason: 'alertmanager: no severity label → SEV3 (default)' });
  t.equal(b?.title, 'HighLatency', 'alertname when there is no summary or description');
  t.equal(b?.url, undefined, 'empty generatorURL is no link');
});

t.test('old Alertmanager without fingerprint or truncatedAlerts', async (t) => {
  const res = adapt(load('am-old-no-fingerprint.json'));
  t.equal(res.truncatedAlerts, 0);
  t.same(
    res.alerts.map((a) => a.identity),
    ['24778873862a37b7', 'fcba5988856ede2b'],
    'computed = what 0.25 sends',
  );
  t.equal(res.alerts[0]?.startsAt?.toISOString(), '2026-11-22T10:45:41.385Z', 'ns at -08:00');
  t.equal(res.alerts[0]?.endsAt, null, 'zero time rendered with fraction and offset');
});

t.test('unknown and newer fields are tolerated', async (t) => {
  const res = adapt(load('am-newer-fields.json'));
  t.equal(res.alerts.length, 2);
  t.equal(res.alerts[0]?.startsAt?.toISOString(), '2026-11-22T10:45:41.500Z');
});

t.test('groupKey fallback from groupLabels', async (t) => {
  const body = load('am025-firing.json');
  delete body.groupKey;
  t.equal(adapt(body).alerts[0]?.groupKey, 'klaxon:{}:{alertname="DiskFull"}', 'same as the root-route key AM sends');
  body.groupLabels = { b: 'x"y', a: '1' };
  t.equal(adapt(body).alerts[0]?.groupKey, 'klaxon:{}:{a="1", b="x\\"y"}');
  delete body.groupLabels;
  delete body.receiver;
  t.equal(adapt(body).alerts[0]?.groupKey, ':{}:{}');
});

t.test('status fallback when an alert has none', async (t) => {
  const body = load('am025-one-resolved.json');
  for (const a of body.alerts) delete a.status;
  const now = new Date('2026-11-22T10:50:00Z');
  t.same(
    adapt(body, ctx('', now)).alerts.map((a) => a.status),
    ['resolved', 'firing'],
    'past endsAt resolves; zero fires',
  );
  body.alerts[0].endsAt = '2026-11-22T11:00:00Z';
  t.equal(adapt(body, ctx('', now)).alerts[0]?.status, 'firing', 'future endsAt (Prometheus resend timeout) still fires');
  body.alerts[0].status = 'resolved';
  body.alerts[0].endsAt = '0001-01-01T00:00:00Z';
  t.same(adapt(body, ctx('', now)).alerts[0]?.endsAt, now, 'resolved without endsAt ends at receipt');
});

t.test('severity mapping', async (t) => {
  const table: Array<[string, string]> = [
    ['page', 'SEV1'],
    ['SEV1', 'SEV1'],
    ['p1', 'SEV1'],
    ['Emergency', 'SEV1'],
    ['critical', 'SEV2'],
    ['CRITICAL', 'SEV2'],
    ['sev2', 'SEV2'],
    ['p2', 'SEV2'],
    ['error', 'SEV2'],
    ['high', 'SEV2'],
    ['warning', 'SEV3'],
    ['warn', 'SEV3'],
    ['sev3', 'SEV3'],
    ['p3', 'SEV3'],
    ['medium', 'SEV3'],
    ['info', 'SEV4'],
    ['sev4', 'SEV4'],
    ['p4', 'SEV4'],
    ['p5', 'SEV4'],
    ['low', 'SEV4'],
    ['none', 'SEV4'],
    [' Warning ', 'SEV3'],
    ['bananas', 'SEV3'],
    ['constructor', 'SEV3'],
  ];
  for (const [value, want] of table) t.equal(alertmanagerSeverity({ severity: value }).severity, want, value);
  t.equal(alertmanagerSeverity({ severity: 'Bananas' }).reason, 'alertmanager label severity="Bananas" not recognised → SEV3 (default)');
});

t.test('title fallbacks', async (t) => {
  const alert = (labels: object, annotations?: object) => adapt({ alerts: [{ labels, annotations }] }).alerts[0]?.title;
  t.equal(alert({ alertname: 'X' }, { summary: '  ', description: '\n\n  first\nsecond' }), 'first');
  t.equal(alert({ alertname: 'X' }), 'X');
  t.equal(alert({}), 'Alertmanager alert');
  t.equal(alert({}, { summary: 'a\n  b' }), 'a b', 'titles are one line');
  t.equal(alert({}, { summary: 'x'.repeat(2000) })?.length, 512, 'long titles are clipped');
});

t.test('empty alerts array is fine', async (t) => {
  t.same(adapt({ receiver: 'r', alerts: [] }), { alerts: [], truncatedAlerts: 0 });
});

t.test('invalid shapes → PayloadError with JSON pointers', async (t) => {
  t.same(
    issuesOf(null).map((i) => i.path),
    [''],
  );
  t.same(
    issuesOf([]).map((i) => i.path),
    [''],
  );
  t.same(
    issuesOf('{"alerts":[]}').map((i) => i.path),
    [''],
  );
  t.same(
    issuesOf({}).map((i) => i.path),
    ['/alerts'],
  );
  t.same(
    issuesOf({ alerts: {} }).map((i) => i.path),
    ['/alerts'],
  );
  t.same(
    issuesOf({ alerts: [5] }).map((i) => i.path),
    ['/alerts/0'],
  );
  t.same(issuesOf({ alerts: [{ labels: {} }, {}] }), [{ path: '/alerts/1/labels', message: 'is required' }]);
  t.same(
    issuesOf({ alerts: [{ labels: [] }] }).map((i) => i.path),
    ['/alerts/0/labels'],
  );
  t.same(
    issuesOf({ alerts: [{ labels: { ok: 'x', 'a/b~c': 1 } }] }).map((i) => i.path),
    ['/alerts/0/labels/a~1b~0c'],
  );
  t.same(
    issuesOf({ alerts: [{ labels: {}, annotations: { n: null } }] }).map((i) => i.path),
    ['/alerts/0/annotations/n'],
  );
  t.same(
    issuesOf({ alerts: [{ labels: {}, startsAt: 'yesterday' }] }).map((i) => i.path),
    ['/alerts/0/startsAt'],
  );
  t.same(
    issuesOf({ alerts: [{ labels: {}, endsAt: '2026-02-30T00:00:00Z' }] }).map((i) => i.path),
    ['/alerts/0/endsAt'],
  );
  t.same(
    issuesOf({ alerts: [], truncatedAlerts: -1 }).map((i) => i.path),
    ['/truncatedAlerts'],
  );
  t.same(
    issuesOf({ alerts: [], receiver: 7 }).map((i) => i.path),
    ['/receiver'],
  );
  const err = (() => {
    try {
      adapt({ alerts: [{ labels: { a: 1 } }] });
    } catch (e) {
      return e;
    }
  })();
  t.type(err, PayloadError);
  t.match((err as Error).message, '/alerts/0/labels/a: must be a string');
});

t.test('limits', async (t) => {
  const alert = { labels: { alertname: 'X' } };
  t.same(
    issuesOf({ alerts: Array(1001).fill(alert) }).map((i) => i.path),
    ['/alerts'],
  );
  t.equal(adapt({ alerts: Array(1000).fill(alert) }).alerts.length, 1000, '1000 is allowed');

  const labels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${i}`, 'v']));
  t.same(
    issuesOf({ alerts: [{ labels: labels(129) }] }).map((i) => i.path),
    ['/alerts/0/labels'],
  );
  t.equal(adapt({ alerts: [{ labels: labels(128), annotations: labels(128) }] }).alerts.length, 1, '128 labels + 128 annotations');
  t.same(
    issuesOf({ alerts: [{ labels: {}, annotations: labels(129) }] }).map((i) => i.path),
    ['/alerts/0/annotations'],
  );

  t.same(
    issuesOf({ alerts: [{ labels: { ['k'.repeat(257)]: 'v' } }] }).map((i) => i.path),
    ['/alerts/0/labels'],
  );
  t.equal(adapt({ alerts: [{ labels: { ['k'.repeat(256)]: 'v' } }] }).alerts.length, 1);
  t.same(
    issuesOf({ alerts: [{ labels: { k: 'v'.repeat(16385) } }] }).map((i) => i.path),
    ['/alerts/0/labels/k'],
  );
  t.equal(adapt({ alerts: [{ labels: { k: 'v'.repeat(16384) } }] }).alerts.length, 1);
  t.same(
    issuesOf({ alerts: [{ labels: {}, annotations: { '': 'v' } }] }).map((i) => i.path),
    ['/alerts/0/annotations'],
  );

  const many = issuesOf({ alerts: Array(1000).fill({ labels: 1 }) });
  t.equal(many.length, 21, 'issues are capped');
  t.match(many[20]?.message, /980 more issues/);
});

t.test('NUL bytes are rejected, lone surrogates replaced', async (t) => {
  t.same(issuesOf({ alerts: [{ labels: { x: 'a\u0000b' } }] }), [
    { path: '/alerts/0/labels/x', message: 'must not contain NUL characters' },
  ]);
  t.same(
    issuesOf({ alerts: [{ labels: { 'x\u0000': 'a' } }] }),
    [{ path: '/alerts/0/labels', message: 'key "x\\u0000" must not contain NUL characters' }],
    'the key is shown escaped, never raw in a path',
  );
  const res = adapt(JSON.parse('{"alerts":[{"labels":{"x":"\\ud800y"}}]}'));
  t.equal(res.alerts[0]?.labels['x'], '\uFFFDy');
  t.equal(res.alerts[0]?.identity, labelsFingerprint({ x: '\uFFFDy' }), 'fingerprint of what Go would have decoded');
});

t.test('a "__proto__" label stays a label', async (t) => {
  const res = adapt(JSON.parse('{"alerts":[{"labels":{"__proto__":"x","severity":"page"}}]}'));
  t.equal(Object.getPrototypeOf(res.alerts[0]?.labels), Object.prototype);
  t.same(Object.keys(res.alerts[0]?.labels ?? {}), ['__proto__', 'severity']);
  t.equal(res.alerts[0]?.severity.severity, 'SEV1');
});
