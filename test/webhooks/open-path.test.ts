/**
 * The open path (src/incidents/opens.ts, open-store.ts): deliveries of new firing alerts are
 * coalesced into one transaction that opens their incidents together. It must write exactly what
 * the full path writes, leave anything it does not handle to the full path, and stay exact under
 * concurrency and with a second Klaxon instance on the same database.
 */
import t, { type Test } from 'tap';
import { ingestDelivery } from '../../src/incidents/deliveries.js';
import { DEFAULT_POLICY } from '../../src/incidents/policy.js';
import { ingestContext } from '../../src/integrations/ingest-context.js';
import { buildTestApp, createIntegration, secondInstance } from '../helper.js';
import { pathCount } from '../support/paths.js';

const ZERO = '0001-01-01T00:00:00Z';
const alert = (name: string, labels: Record<string, string> = {}, status = 'firing') => ({
  status,
  labels: { alertname: name, job: 'api', severity: 'warning', ...labels },
  annotations: { summary: `${name} is down` },
  startsAt: '2026-11-22T10:00:00Z',
  endsAt: status === 'firing' ? ZERO : '2026-11-22T10:05:00Z',
});
const body = (alerts: ReturnType<typeof alert>[], groupKey = '{}:{job="api"}') =>
  JSON.stringify({ version: '4', receiver: 'r', status: 'firing', groupKey, truncatedAlerts: 0, alerts });

const openPathCount = (result: string) => pathCount('open', result);

async function setup(t: Test, settings: Record<string, unknown> = {}) {
  const { app, handle, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const integration = await createIntegration(app, admin, { name: 'OPENPATH', kind: 'alertmanager', ...settings });
  const send = (payload: string, via = app, key = integration.key, source = 'alertmanager') =>
    via.inject({
      method: 'POST',
      url: `/v1/webhooks/${source}`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      payload,
    });
  return { app, handle, admin, integration, send };
}

/**
 * Everything a delivery wrote for an integration, with ids, times and names made comparable:
 * times become offsets from the delivery's arrival, incident ids their group keys.
 */
async function written(db: Awaited<ReturnType<typeof buildTestApp>>['handle']['db'], integrationId: string, name: string) {
  const delivery = await db.selectFrom('deliveries').selectAll().where('integration_id', '=', integrationId).executeTakeFirstOrThrow();
  const incidents = await db.selectFrom('incidents').selectAll().where('integration_id', '=', integrationId).orderBy('group_key').execute();
  const ids = new Map<string, string>([[integrationId, '<integration>']]);
  const numbers = new Map<number, string>();
  for (const i of incidents) ids.set(i.id, `<incident ${i.group_key}>`);
  for (const i of incidents) numbers.set(Number(i.number), `<number ${i.group_key}>`);
  const base = delivery.received_at.getTime();
  const norm = (v: unknown): unknown => {
    // The sender's own times (startsAt) stay as sent; Klaxon's become offsets from the arrival.
    if (v instanceof Date) return v.toISOString().startsWith('2026-11-22T10') ? v.toISOString() : `t+${v.getTime() - base}`;
    if (typeof v === 'string') {
      if (ids.has(v)) return ids.get(v);
      if (/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(v) && !v.startsWith('2026-11-22T10')) return `t+${Date.parse(v) - base}`;
      let s = v.replaceAll(name, '<name>');
      for (const [id, label] of ids) s = s.replaceAll(id, label);
      return s;
    }
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'incidentNumber' ? numbers.get(x as number) : norm(x)]));
    }
    return v;
  };
  const incidentIds = incidents.map((i) => i.id);
  const omit = <T extends object>(row: T, keys: string[]) => Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k)));
  const alerts = await db.selectFrom('alerts').selectAll().where('integration_id', '=', integrationId).orderBy('identity').execute();
  const events = await db.selectFrom('incident_events').selectAll().where('incident_id', 'in', incidentIds).orderBy('id').execute();
  const escalations = await db.selectFrom('incident_escalations').selectAll().where('incident_id', 'in', incidentIds).execute();
  const { rows: jobs } = await handleJobs(db, incidentIds);
  const normalized = norm({
    // version: the full path inserts then updates (2), the open path inserts once (1); an ETag either way.
    incidents: incidents.map((i) => omit(i, ['id', 'number', 'version'])),
    alerts: alerts.map((a) => omit(a, ['id'])),
    events: events.map((e) => omit(e, ['id'])),
    escalations: escalations.sort((a, b) => ids.get(a.incident_id)!.localeCompare(ids.get(b.incident_id)!)),
    jobs,
    delivery: omit(delivery, ['id']),
  }) as Record<string, unknown[]>;
  (normalized.jobs as { key: string }[]).sort((a, b) => a.key.localeCompare(b.key));
  return normalized;
}

async function handleJobs(db: Awaited<ReturnType<typeof buildTestApp>>['handle']['db'], incidentIds: string[]) {
  const { sql } = await import('kysely');
  return sql<{ task_identifier: string; payload: unknown; run_at: Date; max_attempts: number; key: string }>`
    select t.identifier as task_identifier, j.payload, j.run_at, j.max_attempts, j.key
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.payload->>'incidentId' = any(${incidentIds}::text[]) order by j.key`.execute(db);
}

t.test('the open path writes exactly what the full path writes', async (t) => {
  const settings = {
    groupingLabels: ['svc'],
    promoteAfterAlerts: 2,
    severityRules: [{ matchers: [{ name: 'severity', value: 'critical', isRegex: false, isEqual: true }], severity: 'SEV1' }],
  };
  const { app, handle, admin, integration, send } = await setup(t, settings);
  const full = await createIntegration(app, admin, { name: 'FULLPATH', kind: 'alertmanager', ...settings });
  // Two groups: web's severity rises to its most severe alert (not its first); db's three alerts promote it.
  const payload = body([
    alert('Web2', { svc: 'web' }),
    alert('Db', { svc: 'db' }),
    alert('Web', { svc: 'web', severity: 'critical' }),
    alert('Db2', { svc: 'db' }),
    alert('Db3', { svc: 'db' }),
  ]);

  const applied = await openPathCount('applied');
  const res = await send(payload);
  t.equal(res.statusCode, 200);
  t.equal((await openPathCount('applied')) - applied, 1, 'taken by the open path');
  t.same(
    res.json().alerts.map((a: { outcome: string }) => a.outcome),
    ['created', 'created', 'updated', 'updated', 'updated'],
  );

  const row = await handle.db.selectFrom('integrations').selectAll().where('id', '=', full.id).executeTakeFirstOrThrow();
  const viaFull = await ingestDelivery(handle.db, {
    integration: ingestContext(row),
    source: 'alertmanager',
    rawBody: payload,
    now: new Date(),
    bodyMax: 65_536,
    policy: DEFAULT_POLICY,
  });
  t.same(
    viaFull.alerts.map((a) => a.outcome),
    ['created', 'created', 'updated', 'updated', 'updated'],
  );

  const open = await written(handle.db, integration.id, 'OPENPATH');
  const reference = await written(handle.db, full.id, 'FULLPATH');
  for (const part of ['incidents', 'alerts', 'events', 'escalations', 'jobs', 'delivery'] as const) {
    t.strictSame(open[part], reference[part], `${part}: the same as the full path's`);
  }
  t.equal(open.incidents!.length, 2);
  t.equal(open.events!.length, 7, 'db: created + 2 alert_fired + escalation_started; web: created + alert_fired + escalation_started');
  t.same(
    (open.incidents as { severity: string; severity_reason: string }[]).map((i) => i.severity),
    ['SEV2', 'SEV1'],
    'db promoted (3 alerts), web raised by its critical alert',
  );
  t.equal(open.jobs!.length, 4, "each incident's step timer and reminder");
});

t.test('concurrent new deliveries: distinct groups are all opened together; one group opens once', async (t) => {
  const { handle, integration, send } = await setup(t);
  const applied = await openPathCount('applied');
  const fallback = await openPathCount('fallback');
  const distinct = await Promise.all(Array.from({ length: 30 }, (_, i) => send(body([alert(`A${i}`), alert(`B${i}`)], `{}:{n="${i}"}`))));
  t.same([...new Set(distinct.map((r) => r.statusCode))], [200]);
  t.equal((await openPathCount('applied')) - applied, 30, 'all 30 opened by the open path');
  t.equal((await openPathCount('fallback')) - fallback, 0);
  const numbers = distinct.map((r) => r.json().alerts[0].incidentNumber);
  t.equal(new Set(numbers).size, 30, 'each its own incident');
  for (const r of distinct)
    t.same(
      r.json().alerts.map((a: { outcome: string }) => a.outcome),
      ['created', 'updated'],
    );
  t.equal(new Set(distinct.map((r) => r.json().deliveryId)).size, 30, 'each answer names its own delivery');

  const same = body([alert('Hot1'), alert('Hot2')], '{}:{n="hot"}');
  const storm = await Promise.all(Array.from({ length: 30 }, () => send(same)));
  t.same([...new Set(storm.map((r) => r.statusCode))], [200]);
  const created = storm.filter((r) => r.json().alerts[0].outcome === 'created');
  t.equal(created.length, 1, 'exactly one delivery opened the incident');
  t.equal(new Set(storm.map((r) => r.json().alerts[0].incidentNumber)).size, 1, 'every delivery names that incident');
  const hot = await handle.db
    .selectFrom('alerts')
    .select(['receive_count'])
    .where('integration_id', '=', integration.id)
    .where('identity', 'in', [storm[0]!.json().alerts[0].identity, storm[0]!.json().alerts[1].identity])
    .execute();
  t.same(
    hot.map((a) => a.receive_count),
    [30, 30],
    'each alert counted once per delivery',
  );
  const incidents = await handle.db.selectFrom('incidents').select('id').where('integration_id', '=', integration.id).execute();
  t.equal(incidents.length, 31);
  const deliveries = await handle.db.selectFrom('deliveries').select('id').where('integration_id', '=', integration.id).execute();
  t.equal(deliveries.length, 60);
});

t.test('what the open path does not handle goes down the full path', async (t) => {
  const { app, admin, send } = await setup(t);
  const silence = await app.inject({
    method: 'POST',
    url: '/v1/silences',
    headers: admin,
    payload: {
      matchers: [{ name: 'alertname', value: 'Quiet', isRegex: false, isEqual: true }],
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      comment: 'maintenance',
    },
  });
  t.equal(silence.statusCode, 201);
  let fallback = await openPathCount('fallback');
  const quiet = await send(body([alert('Quiet')], 'g-quiet'));
  t.equal(quiet.json().alerts[0].outcome, 'suppressed', 'a silenced new alert is suppressed');
  t.equal((await openPathCount('fallback')) - fallback, 1, 'by the full path');

  // A resolved alert firing again reopens its incident: the open path sees the alert and leaves it.
  t.equal((await send(body([alert('Again')], 'g-again'))).json().alerts[0].outcome, 'created');
  t.equal((await send(body([alert('Again', {}, 'resolved')], 'g-again'))).json().alerts[0].outcome, 'resolved');
  fallback = await openPathCount('fallback');
  // It fires again after the recorded end (10:05), so it is a new firing, not a late copy of the first.
  const again = await send(body([{ ...alert('Again'), startsAt: '2026-11-22T10:10:00Z' }], 'g-again'));
  t.equal(again.json().alerts[0].outcome, 'reopened', again.body);
  t.equal((await openPathCount('fallback')) - fallback, 1, 'by the full path');
});

t.test('one alert sent under two groups at once (a route with `continue`): no batch fails, one alert row', async (t) => {
  const { handle, integration, send } = await setup(t);
  const failed = await openPathCount('failed');
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) => send(body([alert('Twice')], i % 2 ? '{}:{route="a"}' : '{}:{route="b"}'))),
  );
  t.same([...new Set(results.map((r) => r.statusCode))], [200]);
  t.equal((await openPathCount('failed')) - failed, 0, 'no coalesced batch failed on the shared alert');
  const rows = await handle.db.selectFrom('alerts').select('receive_count').where('integration_id', '=', integration.id).execute();
  t.equal(rows.length, 1, 'one alert row');
  t.equal(rows[0]!.receive_count, 12, 'every sighting counted');
});

t.test('a deleted integration is refused, even with its key remembered by this process', async (t) => {
  const { handle, admin, integration, send } = await setup(t);
  const second = await secondInstance(t, handle.url);
  t.equal((await send(body([alert('First')], 'g1'))).statusCode, 200, 'the key is now remembered');
  const deleted = await second.inject({ method: 'DELETE', url: `/v1/integrations/${integration.id}`, headers: admin });
  t.equal(deleted.statusCode, 204);
  const refused = await send(body([alert('Second')], 'g2'));
  t.equal(refused.statusCode, 401);
  const incidents = await handle.db.selectFrom('incidents').select('id').where('integration_id', '=', integration.id).execute();
  t.equal(incidents.length, 1, 'nothing opened');
});

t.test('two instances opening the same new groups at once: one incident per group, every sighting counted', async (t) => {
  const { app, handle, integration, send } = await setup(t);
  const second = await secondInstance(t, handle.url);
  const groups = Array.from({ length: 10 }, (_, i) => body([alert(`X${i}`), alert(`Y${i}`)], `{}:{g="${i}"}`));
  const applied = await openPathCount('applied');
  const results = await Promise.all(groups.flatMap((g) => [send(g, app), send(g, second), send(g, app)]));
  t.same([...new Set(results.map((r) => r.statusCode))], [200]);
  const incidents = await handle.db
    .selectFrom('incidents')
    .select(['group_key', 'alert_count', 'firing_count'])
    .where('integration_id', '=', integration.id)
    .execute();
  t.equal(incidents.length, 10, 'one incident per group');
  t.same(
    incidents.map((i) => [i.alert_count, i.firing_count]),
    incidents.map(() => [2, 2]),
    'each with its two alerts',
  );
  t.ok((await openPathCount('applied')) - applied >= 1, 'the open path applied some of them (the rest fell back)');
  const counts = await handle.db.selectFrom('alerts').select('receive_count').where('integration_id', '=', integration.id).execute();
  t.equal(counts.length, 20);
  t.same(
    counts.map((c) => c.receive_count),
    counts.map(() => 3),
    'each alert counted once per delivery (3)',
  );
  const created = results.flatMap((r) => r.json().alerts).filter((a: { outcome: string }) => a.outcome === 'created');
  t.equal(created.length, 10, 'each group created once');
});

// toISOString writes these years as "+010000-…" and "0000-…", which PostgreSQL refuses: each would fail its whole batch.
for (const [when, date, stored] of [
  ['after year 9999 (Datadog epoch ms)', '"253402300800000"', '+010000-01-01T00:00:00.000Z'],
  ['in year 0, 1 BC (an RFC 3339 date)', '"0000-06-01T00:00:00Z"', '0000-06-01T00:00:00.000Z'],
] as const) {
  t.test(`a sender time ${when} opens and repeats on the coalesced paths`, async (t) => {
    const { readFile } = await import('node:fs/promises');
    const { handle, send } = await setup(t, { kind: 'datadog' });
    const fixture = await readFile(new URL('../fixtures/ingest/datadog/rich-triggered.json', import.meta.url), 'utf8');
    const payload = fixture.replaceAll('"1795343400000"', date);
    const sendDd = (p: string) => send(p, undefined, undefined, 'datadog');
    const applied = await openPathCount('applied');
    const first = await sendDd(payload);
    t.equal(first.statusCode, 200, first.body);
    t.equal(first.json().alerts[0].outcome, 'created');
    t.equal((await openPathCount('applied')) - applied, 1, 'opened by the open path, not failed over to the full path');
    const repeats = await pathCount('repeat', 'applied');
    const again = await sendDd(payload);
    t.equal(again.json().alerts[0].outcome, 'duplicate');
    t.equal((await pathCount('repeat', 'applied')) - repeats, 1, 'repeated by the repeat path');
    const row = await handle.db.selectFrom('alerts').select(['starts_at', 'receive_count']).executeTakeFirstOrThrow();
    t.equal(row.starts_at?.toISOString(), stored);
    t.equal(row.receive_count, 2);
  });
}
