/**
 * Triage context and the rest of the lifecycle API's reads: changes and the rollback hint,
 * earlier similar incidents, the self-ticking checklist, list filters and sorts with stable
 * keyset pages, and paginated timelines and alert lists.
 */
import t from 'tap';
import { buildTestApp, createIntegration } from '../helper.js';
import { isPagingEvent } from '../support/jobs.js';

const shared = (async () => {
  const test = await buildTestApp(t);
  const responder = await test.auth('responder');
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    test.app.inject({ method, url, headers: responder, ...(payload ? { payload } : {}) });
  return { ...test, responder, call };
})();

t.test('changes: recorded, listed, shown on the incident with a rollback hint', async (t) => {
  const { call } = await shared;
  const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
  const record = async (body: object) => {
    const res = await call('POST', '/v1/changes', body);
    t.equal(res.statusCode, 201, res.body);
    return res.json();
  };
  const deploy = await record({
    kind: 'deploy',
    service: 'checkout',
    summary: 'v2.3.1',
    link: 'https://ci/build/42',
    author: 'ci',
    at: ago(4),
  });
  await record({ kind: 'feature_flag', service: 'checkout', summary: 'new-cart on', at: ago(90) });
  await record({ kind: 'deploy', service: 'checkout', summary: 'v2.2.0', at: ago(60 * 24) }); // a day ago: too old
  await record({ kind: 'deploy', service: 'search', summary: 'v9', at: ago(2) }); // another service
  t.match(deploy, { kind: 'deploy', service: 'checkout', recordedBy: 'test responder', link: 'https://ci/build/42' });
  t.equal((await call('POST', '/v1/changes', { kind: 'rollout', service: 'x', summary: 'y' })).statusCode, 400);
  t.equal((await call('POST', '/v1/changes', { kind: 'deploy', service: 'x', summary: 'y', link: 'javascript:alert(1)' })).statusCode, 400);

  const listed = (await call('GET', '/v1/changes?service=checkout&limit=2')).json();
  t.same(
    listed.items.map((c: { summary: string }) => c.summary),
    ['v2.3.1', 'new-cart on'],
  );
  const rest = (await call('GET', `/v1/changes?service=checkout&limit=2&cursor=${listed.nextCursor}`)).json();
  t.same(
    rest.items.map((c: { summary: string }) => c.summary),
    ['v2.2.0'],
  );
  t.equal(rest.nextCursor, null);
  t.same(
    (await call('GET', '/v1/changes?kind=deploy&service=search')).json().items.map((c: { summary: string }) => c.summary),
    ['v9'],
  );

  const inc = (await call('POST', '/v1/incidents', { title: 'Checkout 500s', severity: 'SEV2', service: 'checkout' })).json();
  const detail = (await call('GET', `/v1/incidents/${inc.id}`)).json();
  t.same(
    detail.triage.recentChanges.map((c: { summary: string }) => c.summary),
    ['v2.3.1', 'new-cart on'],
    'changes to its service in the 6 hours before it opened, newest first',
  );
  t.same(detail.triage.hints, ['deploy "v2.3.1" to checkout 4 min before this incident opened: consider a rollback']);
});

t.test('earlier incidents of the same group or service, with how they were resolved', async (t) => {
  const { app, call, auth } = await shared;
  const am = await createIntegration(app, await auth('admin'), {
    name: 'am',
    kind: 'alertmanager',
    service: 'payments',
    reopenWindowSeconds: 0,
  });
  const send = (status: 'firing' | 'resolved', startsAt: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/webhooks/alertmanager',
      headers: { authorization: `Bearer ${am.key}` },
      payload: {
        version: '4',
        groupKey: '{}:{alertname="Latency"}',
        status,
        alerts: [
          {
            status,
            labels: { alertname: 'Latency' },
            startsAt,
            endsAt: status === 'resolved' ? new Date(Date.parse(startsAt) + 60_000).toISOString() : '0001-01-01T00:00:00Z',
          },
        ],
      },
    });
  const t0 = Date.now() - 3_600_000;
  const first = (await send('firing', new Date(t0).toISOString())).json().alerts[0].incidentId;
  await send('resolved', new Date(t0).toISOString());
  const manual = (
    await call('POST', '/v1/incidents', { title: 'Payments slow (customer report)', severity: 'SEV3', service: 'payments' })
  ).json();
  await call('POST', `/v1/incidents/${manual.id}/resolve`, { message: 'cache flushed' });
  const second = (await send('firing', new Date(t0 + 600_000).toISOString())).json().alerts[0].incidentId;
  t.not(second, first, 'a new incident (reopen window 0)');

  const similar = (await call('GET', `/v1/incidents/${second}`)).json().triage.similarIncidents;
  t.same(
    similar.map((s: { id: string; sameGroup: boolean; resolution: string }) => [s.id, s.sameGroup, s.resolution]),
    [
      [manual.id, false, 'cache flushed (test responder (responder))'],
      [first, true, 'Resolved: all alerts resolved (am)'],
    ],
  );
});

t.test('the checklist ticks itself; responders tick the rest', async (t) => {
  const { call } = await shared;
  const inc = (await call('POST', '/v1/incidents', { title: 'x', severity: 'SEV4', commander: 'Dana' })).json();
  const items = async () => (await call('GET', `/v1/incidents/${inc.id}/checklist`)).json().items;
  const doneIds = async () =>
    (await items()).filter((i: { done: boolean }) => i.done).map((i: { id: string; source: string }) => `${i.id}:${i.source}`);
  t.same(await doneIds(), ['severity-assessed:observed', 'commander-assigned:observed']);
  await call('POST', `/v1/incidents/${inc.id}/acknowledge`);
  const ticked = await call('PUT', `/v1/incidents/${inc.id}/checklist/channels-created`, { done: true });
  t.equal(ticked.statusCode, 200);
  await call('PUT', `/v1/incidents/${inc.id}/checklist/commander-assigned`, { done: false }); // observed stays observed
  t.same(await doneIds(), [
    'severity-assessed:observed',
    'acknowledged-within-target:observed',
    'commander-assigned:observed',
    'channels-created:responder',
  ]);
  t.match(
    (await items()).find((i: { id: string }) => i.id === 'channels-created'),
    { by: 'test responder (responder)' },
  );
  t.equal((await call('PUT', `/v1/incidents/${inc.id}/checklist/make-coffee`, { done: true })).statusCode, 400);
  t.same((await call('GET', `/v1/incidents/${inc.id}`)).json().checklist, await items(), 'the incident carries it too');
});

t.test('list filters and sorts; every sort pages without repeats or gaps', async (t) => {
  const { call } = await shared;
  const made: string[] = [];
  for (const [title, severity, commander] of [
    ['Orders failing', 'SEV1', 'Ann'],
    ['orders slow', 'SEV3', 'Bo'],
    ['Login 100% wrong', 'SEV2', 'Ann'],
    ['Search down', 'SEV1', null],
  ] as const) {
    const res = await call('POST', '/v1/incidents', { title, severity, ...(commander ? { commander } : {}) });
    made.push(res.json().id);
  }
  const ids = async (q: string) => (await call('GET', `/v1/incidents?${q}`)).json().items.map((i: { id: string }) => i.id);
  t.same(await ids('commander=Ann'), [made[2], made[0]]);
  t.same(await ids('q=ORDERS'), [made[1], made[0]], 'case-insensitive');
  t.same(await ids('q=100%25'), [made[2]], 'a % in q is literal');
  t.same(await ids('q=_'), [], 'an underscore too');
  const all = await ids('limit=200');
  const opened = (await call('GET', `/v1/incidents/${made[2]}`)).json().openedAt;
  t.same(await ids(`openedAfter=${encodeURIComponent(opened)}&q=o`), [made[3], made[2]].filter((id) => all.includes(id)).slice(0, 2));
  t.equal((await call('GET', '/v1/incidents?sort=title')).statusCode, 400);

  for (const sort of ['-openedAt', 'openedAt', 'severity']) {
    const whole = await ids(`sort=${sort}&limit=200`);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await call('GET', `/v1/incidents?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      paged.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    t.same(paged, whole, `${sort}: pages of 2 = one page`);
  }
  const bySeverity = (await call('GET', '/v1/incidents?sort=severity&limit=200')).json().items.map((i: { severity: string }) => i.severity);
  t.same(bySeverity, [...bySeverity].sort(), 'SEV1 first');
  t.equal(
    (
      await call(
        'GET',
        `/v1/incidents?sort=severity&cursor=${Buffer.from('{"openedAt":"2026-01-01T00:00:00Z","id":"00000000-0000-4000-8000-000000000000","severity":"SEV9"}').toString('base64url')}`,
      )
    ).statusCode,
    400,
  );
});

t.test('timeline and alerts are paginated', async (t) => {
  const { call } = await shared;
  const inc = (await call('POST', '/v1/incidents', { title: 'notes', severity: 'SEV4' })).json();
  for (let i = 0; i < 5; i++) await call('POST', `/v1/incidents/${inc.number}/notes`, { text: `note ${i}` });
  const first = (await call('GET', `/v1/incidents/${inc.id}/timeline?limit=4`)).json();
  const second = (await call('GET', `/v1/incidents/${inc.id}/timeline?limit=4&cursor=${first.nextCursor}`)).json();
  t.same(
    [...first.items, ...second.items].filter((e) => !isPagingEvent(e)).map((e: { kind: string }) => e.kind),
    ['declared', 'note', 'note', 'note', 'note', 'note'],
  );
  t.equal(second.nextCursor, null);
  const notes = (await call('GET', `/v1/incidents/${inc.id}/notes?limit=10`)).json().items;
  t.same(
    notes.map((n: { data: { text: string } }) => n.data.text),
    ['note 0', 'note 1', 'note 2', 'note 3', 'note 4'],
  );
  t.same((await call('GET', `/v1/incidents/${inc.id}/alerts`)).json(), { items: [], nextCursor: null });
  t.equal((await call('GET', `/v1/incidents/${inc.id}/timeline?cursor=bm9wZQ`)).statusCode, 400);
});
