import { sql } from 'kysely';
import t from 'tap';
import { buildTestApp, type TestApp } from '../helper.js';

// Ids are chosen so their order is known: PostgreSQL orders uuids like their lowercase hex.
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const INT_A = uuid(901);
const INT_B = uuid(902);
const at = (iso: string) => sql<Date>`${iso}::timestamptz`;

interface Seed {
  n: number;
  openedAt: string;
  status: 'triggered' | 'acknowledged' | 'investigating' | 'identified' | 'mitigating' | 'resolved';
  severity: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
  service: string | null;
  integration: string;
}

// Newest first this is 7, 6, 5, 4, 3, 2, 1: 3 and 4 tie on opened_at (id decides), and 1 and 2 differ
// only in microseconds, which a millisecond cursor would lose.
const SEEDS: Seed[] = [
  { n: 3, openedAt: '2026-01-02T00:00:00Z', status: 'acknowledged', severity: 'SEV2', service: 'db', integration: INT_B },
  { n: 1, openedAt: '2026-01-01T00:00:00.000001Z', status: 'resolved', severity: 'SEV3', service: 'api', integration: INT_A },
  { n: 7, openedAt: '2026-01-04T00:00:00Z', status: 'investigating', severity: 'SEV3', service: 'db', integration: INT_A },
  { n: 2, openedAt: '2026-01-01T00:00:00.000002Z', status: 'triggered', severity: 'SEV1', service: 'api', integration: INT_A },
  { n: 5, openedAt: '2026-01-03T00:00:00.5Z', status: 'resolved', severity: 'SEV4', service: 'api', integration: INT_B },
  { n: 6, openedAt: '2026-01-03T00:00:00.500001Z', status: 'mitigating', severity: 'SEV1', service: 'web', integration: INT_A },
  { n: 4, openedAt: '2026-01-02T00:00:00Z', status: 'triggered', severity: 'SEV2', service: null, integration: INT_B },
];

async function seed({ handle }: TestApp): Promise<void> {
  await handle.db
    .insertInto('integrations')
    .values([
      { id: INT_A, name: 'prometheus', kind: 'alertmanager', severity_rules: '[]' },
      { id: INT_B, name: 'datadog', kind: 'datadog', severity_rules: '[]' },
    ])
    .execute();
  for (const s of SEEDS) {
    await handle.db
      .insertInto('incidents')
      .values({
        id: uuid(s.n),
        integration_id: s.integration,
        group_key: `{}:{alertname="A${s.n}"}`,
        title: `Incident ${s.n}`,
        status: s.status,
        severity: s.severity,
        severity_reason: 'label severity',
        service: s.service,
        opened_at: at(s.openedAt),
        resolved_at: s.status === 'resolved' ? at('2026-02-01T00:00:00Z') : null,
      })
      .execute();
  }
}

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const test = await buildTestApp(t);
  await seed(test);
  const viewer = await test.auth('viewer');
  const get = (url: string) => test.app.inject({ url, headers: viewer });
  const ids = async (url: string) => {
    const res = await get(url);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return (res.json().items as { id: string }[]).map((i) => i.id);
  };
  return { ...test, viewer, get, ids };
}

const order = (...ns: number[]) => ns.map(uuid);

// One app and database for the file: the subtests only read what seed() wrote (the detail
// subtest adds alerts and events to incidents 7 and 6, which no other subtest reads in detail).
const shared = setup(t);

t.test('authentication: a key is required, and viewer is enough', async (t) => {
  const { app, get } = await shared;
  for (const url of ['/v1/incidents', `/v1/incidents/${uuid(7)}`]) {
    const none = await app.inject({ url });
    t.equal(none.statusCode, 401, url);
    t.match(none.json(), { code: 'KLX_UNAUTHENTICATED' });
    t.equal((await get(url)).statusCode, 200, `viewer reads ${url}`);
  }
});

t.test('the list is newest first, ties broken by id, in the wire shape', async (t) => {
  const { get, ids, handle } = await shared;
  t.same(await ids('/v1/incidents'), order(7, 6, 5, 4, 3, 2, 1));
  const res = await get('/v1/incidents');
  t.equal(res.json().nextCursor, null);
  const { number } = await handle.db.selectFrom('incidents').select('number').where('id', '=', uuid(5)).executeTakeFirstOrThrow();
  t.same(res.json().items[2], {
    id: uuid(5),
    number,
    title: 'Incident 5',
    status: 'resolved',
    severity: 'SEV4',
    severityReason: 'label severity',
    severityOverridden: false,
    service: 'api',
    summary: null,
    impact: null,
    declared: false,
    integrationId: INT_B,
    groupKey: '{}:{alertname="A5"}',
    roles: { commander: null, scribe: null, communications: null },
    alertCount: 0,
    firingCount: 0,
    reopenCount: 0,
    truncatedAlerts: 0,
    openedAt: '2026-01-03T00:00:00.500Z',
    acknowledgedAt: null,
    ackDeadline: '2026-01-03T04:00:00.500Z', // SEV4: 4 hours
    ackMet: false, // never acknowledged, long past the deadline
    resolvedAt: '2026-02-01T00:00:00.000Z',
    lastUpdateAt: null,
    nextUpdateDueAt: null, // resolved: nothing more is due
    updateOverdue: false,
    chatChannel: '#incident-2026-01-03-api',
    updatedAt: res.json().items[2].updatedAt,
    version: 1,
    links: {
      self: `/v1/incidents/${uuid(5)}`,
      timeline: `/v1/incidents/${uuid(5)}/timeline`,
      notes: `/v1/incidents/${uuid(5)}/notes`,
      alerts: `/v1/incidents/${uuid(5)}/alerts`,
      checklist: `/v1/incidents/${uuid(5)}/checklist`,
      updates: `/v1/incidents/${uuid(5)}/updates`,
      messages: `/v1/incidents/${uuid(5)}/messages/`,
      changes: '/v1/changes?service=api&before=2026-01-03T00%3A00%3A00.500Z',
    },
  });
  t.equal(typeof number, 'number');
});

t.test('filters', async (t) => {
  const { ids, handle } = await shared;
  const cases: [string, string[]][] = [
    ['status=open', order(7, 6, 4, 3, 2)],
    ['status=resolved', order(5, 1)],
    ['status=triggered', order(4, 2)],
    ['severity=SEV1', order(6, 2)],
    ['severity=SEV4', order(5)],
    ['service=db', order(7, 3)],
    ['service=nope', []],
    [`integration=${INT_B}`, order(5, 4, 3)],
    [`integration=${INT_A}&status=open`, order(7, 6, 2)],
    [`integration=${INT_A}&status=open&severity=SEV1&service=web`, order(6)],
  ];
  for (const [query, expected] of cases) t.same(await ids(`/v1/incidents?${query}`), expected, query);
  // The index the list is built for is the one a page uses.
  const plan = await sql<{ 'QUERY PLAN': string }>`explain select * from incidents order by opened_at desc, id desc limit 3`.execute(
    handle.db,
  );
  t.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /incidents_list/);
});

/** Follows nextCursor to the end, returning each page's ids. */
async function pages(get: Awaited<ReturnType<typeof setup>>['get'], base: string): Promise<string[][]> {
  const out: string[][] = [];
  let cursor: string | null = null;
  do {
    const url: string = cursor === null ? base : `${base}&cursor=${encodeURIComponent(cursor)}`;
    const res = await get(url);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.body}`);
    out.push(res.json().items.map((i: { id: string }) => i.id));
    cursor = res.json().nextCursor;
    if (out.length > 20) throw new Error('runaway pagination');
  } while (cursor !== null);
  return out;
}

t.test('pagination: no duplicates, no gaps, null cursor at the end', async (t) => {
  const { get } = await shared;
  // limit=2 splits the opened_at tie (4|3) and the microsecond pair (2|1) across pages.
  t.same(await pages(get, '/v1/incidents?limit=2'), [order(7, 6), order(5, 4), order(3, 2), order(1)]);
  t.same(await pages(get, '/v1/incidents?limit=3'), [order(7, 6, 5), order(4, 3, 2), order(1)]);
  t.same(
    await pages(get, '/v1/incidents?limit=1'),
    [7, 6, 5, 4, 3, 2, 1].map((n) => order(n)),
  );
  t.same(await pages(get, '/v1/incidents?limit=7'), [order(7, 6, 5, 4, 3, 2, 1)], 'an exactly full page is the last');
  t.same(await pages(get, '/v1/incidents?limit=200'), [order(7, 6, 5, 4, 3, 2, 1)]);
  t.same(await pages(get, '/v1/incidents?status=open&limit=2'), [order(7, 6), order(4, 3), order(2)]);
  t.same(await pages(get, '/v1/incidents?service=nope&limit=2'), [[]]);
});

t.test('bad query parameters are 400 problems naming the parameter', async (t) => {
  const { get } = await shared;
  const enc = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const cursors = [
    'not a cursor!',
    enc('{"openedAt":'),
    enc(null),
    enc({ openedAt: 'yesterday', id: uuid(1) }),
    enc({ openedAt: '2026-02-30T00:00:00Z', id: uuid(1) }),
    enc({ openedAt: '2026-01-01T00:00:00Z', id: 'not-a-uuid' }),
    enc({ openedAt: '2026-01-01T00:00:00Z' }),
  ];
  for (const cursor of cursors) {
    const res = await get(`/v1/incidents?cursor=${encodeURIComponent(cursor)}`);
    t.equal(res.statusCode, 400, `cursor ${cursor}`);
    t.match(res.headers['content-type'], /^application\/problem\+json/);
    t.match(res.json(), { code: 'KLX_INVALID_CURSOR', detail: 'cursor is invalid' });
    t.equal(res.json().errors[0].path, '/query/cursor');
  }
  const cases: [string, string][] = [
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=0x10', 'limit'],
    ['limit=', 'limit'],
    ['status=closed', 'status'],
    ['severity=SEV5', 'severity'],
    ['integration=not-a-uuid', 'integration'],
    ['sort=asc', 'sort'],
    ['limit=2&sort=asc', 'sort'],
  ];
  for (const [query, name] of cases) {
    const res = await get(`/v1/incidents?${query}`);
    t.equal(res.statusCode, 400, query);
    t.match(res.json(), { code: 'KLX_VALIDATION' });
    const path = `/query/${name}`;
    t.ok(
      res.json().errors?.some((e: { path: string }) => e.path === path),
      `${query}: ${path} in ${res.body}`,
    );
  }
});

t.test('detail: the incident with its alerts and timeline, in order', async (t) => {
  const { get, handle } = await shared;
  const id = uuid(7);
  const alert = (n: number, firstSeen: string, incident: string | null) => ({
    id: uuid(100 + n),
    integration_id: INT_A,
    identity: `fp-${n}`,
    group_key: '{}:{alertname="A7"}',
    incident_id: incident,
    status: 'firing' as const,
    title: `Alert ${n}`,
    labels: JSON.stringify({ alertname: 'A7', n: String(n) }),
    annotations: JSON.stringify({ summary: `alert ${n}` }),
    severity: 'SEV3' as const,
    severity_reason: 'default',
    service: null,
    url: null,
    first_seen_at: at(firstSeen),
    last_seen_at: at('2026-01-04T01:00:00Z'),
  });
  await handle.db
    .insertInto('alerts')
    .values([
      alert(3, '2026-01-04T00:00:01Z', id),
      {
        ...alert(2, '2026-01-04T00:00:00Z', id),
        status: 'resolved',
        service: 'db',
        url: 'https://prom/graph',
        starts_at: at('2026-01-03T23:59:00Z'),
        ends_at: at('2026-01-04T00:30:00Z'),
        receive_count: 4,
      },
      alert(1, '2026-01-04T00:00:00Z', id), // ties with 2 on first_seen_at; the id decides
      alert(4, '2026-01-04T00:00:00Z', uuid(6)), // another incident's
    ])
    .execute();
  // Timeline order is insertion (id) order, even when the clock says otherwise.
  for (const [kind, when, data] of [
    ['created', '2026-01-04T00:00:00Z', { identity: 'fp-1', groupKey: 'g', previousIncident: null }],
    ['alert_fired', '2026-01-04T00:00:02Z', { identity: 'fp-3' }],
    ['severity_changed', '2026-01-04T00:00:01Z', { from: 'SEV4', to: 'SEV3', reason: 'r', overridden: false }],
  ] as const) {
    await handle.db
      .insertInto('incident_events')
      .values({ incident_id: id, kind, message: `${kind} message`, at: at(when), data: JSON.stringify(data) })
      .execute();
  }
  await handle.db
    .insertInto('incident_events')
    .values({ incident_id: uuid(6), kind: 'note', message: 'other', data: '{"text":"other"}' })
    .execute();

  const res = await get(`/v1/incidents/${id}`);
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.match(body, {
    id,
    title: 'Incident 7',
    status: 'investigating',
    severity: 'SEV3',
    service: 'db',
    integrationId: INT_A,
    groupKey: '{}:{alertname="A7"}',
    openedAt: '2026-01-04T00:00:00.000Z',
    resolvedAt: null,
  });
  t.same(
    body.alerts.map((a: { identity: string }) => a.identity),
    ['fp-1', 'fp-2', 'fp-3'],
  );
  t.same(body.alerts[1], {
    id: uuid(102),
    identity: 'fp-2',
    status: 'resolved',
    title: 'Alert 2',
    labels: { alertname: 'A7', n: '2' },
    annotations: { summary: 'alert 2' },
    severity: 'SEV3',
    severityReason: 'default',
    service: 'db',
    url: 'https://prom/graph',
    startsAt: '2026-01-03T23:59:00.000Z',
    endsAt: '2026-01-04T00:30:00.000Z',
    firstSeenAt: '2026-01-04T00:00:00.000Z',
    lastSeenAt: '2026-01-04T01:00:00.000Z',
    receiveCount: 4,
  });
  t.match(body.alerts[0], { startsAt: null, endsAt: null, url: null, service: null, receiveCount: 1 });
  t.same(
    body.timeline.map((e: { kind: string }) => e.kind),
    ['created', 'alert_fired', 'severity_changed'],
  );
  const [first, second] = body.timeline;
  t.ok(Number.isInteger(first.id) && second.id > first.id);
  t.same(second, {
    id: second.id,
    at: '2026-01-04T00:00:02.000Z',
    kind: 'alert_fired',
    message: 'alert_fired message',
    actor: { type: 'klaxon', id: null, name: null },
    data: { identity: 'fp-3' },
  });

  const empty = (await get(`/v1/incidents/${uuid(1)}`)).json();
  t.same([empty.alerts, empty.timeline], [[], []], 'an incident without alerts or events');
});

t.test('detail: unknown id is a 404 problem, a malformed id a 400', async (t) => {
  const { get } = await shared;
  const missing = await get(`/v1/incidents/${uuid(999)}`);
  t.equal(missing.statusCode, 404);
  t.match(missing.headers['content-type'], /^application\/problem\+json/);
  t.match(missing.json(), { code: 'KLX_INCIDENT_NOT_FOUND', type: 'urn:klaxon:problem:incident-not-found', status: 404 });
  const bad = await get('/v1/incidents/not-a-uuid');
  t.equal(bad.statusCode, 400);
  t.strictSame(
    bad.json().errors.map((e: { path: string }) => e.path),
    ['/params/id'],
  );
});
