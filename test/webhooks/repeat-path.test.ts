/**
 * The repeat path (src/incidents/repeats.ts, repeat-store.ts): a delivery that only repeats
 * firing alerts is applied by one guarded statement, shared with the other repeats in flight.
 * What a process remembers (keys, alerts) is a hint: these tests change the database behind it
 * through a second Klaxon instance on the same database, as another replica would, and check
 * that nothing is served or counted from a stale memory.
 */
import t, { type Test } from 'tap';
import { hashKey } from '../../src/auth/api-keys.js';
import { rememberedIntegration } from '../../src/integrations/authenticate.js';
import { buildTestApp, createIntegration, secondInstance } from '../helper.js';
import { pathCount } from '../support/paths.js';

const ZERO = '0001-01-01T00:00:00Z';
const alert = (name: string, severity = 'warning') => ({
  status: 'firing',
  labels: { alertname: name, job: 'api', severity },
  annotations: { summary: `${name} is up` },
  startsAt: '2026-11-22T10:00:00Z',
  endsAt: ZERO,
});
const body = (alerts: ReturnType<typeof alert>[], groupKey = '{}:{job="api"}') =>
  JSON.stringify({ version: '4', receiver: 'r', status: 'firing', groupKey, truncatedAlerts: 0, alerts });

const repeatPathCount = (result: string) => pathCount('repeat', result);

/** Klaxon twice on one database (each with its own pool, as two processes): `first` learns, `second` changes things. */
async function twoInstances(t: Test) {
  const { app, handle, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const second = await secondInstance(t, handle.url);
  const integration = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  const send = (payload: string, via = app) =>
    via.inject({
      method: 'POST',
      url: '/v1/webhooks/alertmanager',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${integration.key}` },
      payload,
    });
  const counts = async () => {
    const rows = await handle.db
      .selectFrom('alerts')
      .select(['identity', 'receive_count', 'status', 'severity', 'title'])
      .where('integration_id', '=', integration.id)
      .orderBy('title')
      .execute();
    const deliveries = await handle.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('integration_id', '=', integration.id)
      .executeTakeFirstOrThrow();
    return { alerts: rows, deliveries: Number(deliveries.n) };
  };
  return { app, second, handle, admin, integration, send, counts };
}

t.test('concurrent repeats take the repeat path, coalesced, and count every sighting exactly once', async (t) => {
  const { send, counts, handle, integration } = await twoInstances(t);
  const payload = body([alert('A'), alert('B')]);
  const first = await send(payload);
  t.equal(first.statusCode, 200);
  t.same(
    first.json().alerts.map((a: { outcome: string }) => a.outcome),
    ['created', 'updated'],
  );
  const number = first.json().alerts[0].incidentNumber;
  const applied = await repeatPathCount('applied');
  const results = await Promise.all(Array.from({ length: 40 }, () => send(payload)));
  t.same([...new Set(results.map((r) => r.statusCode))], [200]);
  for (const r of results) {
    t.same(
      r.json().alerts.map((a: { outcome: string; incidentNumber: number }) => [a.outcome, a.incidentNumber]),
      [
        ['duplicate', number],
        ['duplicate', number],
      ],
    );
  }
  t.equal((await repeatPathCount('applied')) - applied, 40, 'all 40 repeats applied by the repeat path');
  const ids = new Set(results.map((r) => r.json().deliveryId));
  t.equal(ids.size, 40, 'each answer names its own delivery');
  const after = await counts();
  t.same(
    after.alerts.map((a) => a.receive_count),
    [41, 41],
    'each alert counted 1 + 40 times',
  );
  t.equal(after.deliveries, 41);
  const recorded = await handle.db
    .selectFrom('deliveries')
    .select(['id', 'outcome', 'status_code'])
    .where('id', 'in', [...ids])
    .execute();
  t.equal(recorded.length, 40, 'every answered delivery id is a recorded delivery');
  t.ok(
    recorded.every((d) => d.status_code === 200 && (d.outcome as { alerts: unknown[] }).alerts.length === 2),
    'with its outcome',
  );
  const events = await handle.db
    .selectFrom('incident_events as e')
    .innerJoin('incidents as i', 'i.id', 'e.incident_id')
    .select('e.kind')
    .where('i.integration_id', '=', integration.id)
    .where('e.kind', 'in', ['alert_fired', 'created', 'severity_changed'])
    .execute();
  t.equal(events.length, 2, 'repeats add no timeline event (created + one alert_fired)');
});

t.test('a key revoked by another instance is never served from memory', async (t) => {
  const { app, second, admin, integration, send, counts } = await twoInstances(t);
  const payload = body([alert('A')]);
  await send(payload);
  t.equal((await send(payload)).statusCode, 200, 'a repeat, key now remembered');
  // The other instance rotates the key with no overlap: the old key stops working at once.
  const rotated = await second.inject({
    method: 'POST',
    url: `/v1/integrations/${integration.id}/rotate-key`,
    headers: { ...admin, 'content-type': 'application/json' },
    payload: { overlapSeconds: 0 },
  });
  t.equal(rotated.statusCode, 200);
  const before = await counts();
  const refused = await send(payload);
  t.equal(refused.statusCode, 401, 'the first instance refuses the old key');
  t.same(await counts(), before, 'and writes nothing');
  t.equal(rememberedIntegration(app.db, 'alertmanager', hashKey(integration.key)), undefined, 'and forgets it');
  // The new key works on the first instance too.
  const fresh = await app.inject({
    method: 'POST',
    url: '/v1/webhooks/alertmanager',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${rotated.json().key}` },
    payload,
  });
  t.equal(fresh.statusCode, 200);
  t.equal(fresh.json().alerts[0].outcome, 'duplicate');
});

t.test('an integration deleted by another instance: 401, nothing written', async (t) => {
  const { second, admin, integration, send, counts } = await twoInstances(t);
  const payload = body([alert('A')]);
  await send(payload);
  await send(payload);
  const deleted = await second.inject({ method: 'DELETE', url: `/v1/integrations/${integration.id}`, headers: admin });
  t.equal(deleted.statusCode, 204);
  const before = await counts();
  t.equal((await send(payload)).statusCode, 401);
  t.same(await counts(), before);
});

t.test('an integration changed by another instance: the repeat takes the full path with the new settings', async (t) => {
  const { second, admin, integration, send, handle } = await twoInstances(t);
  const payload = body([alert('A')]);
  await send(payload);
  await send(payload);
  const fallbacks = await repeatPathCount('fallback');
  // A rule that makes job=api a SEV1: the remembered severity (from the old rules) no longer holds.
  const patched = await second.inject({
    method: 'PATCH',
    url: `/v1/integrations/${integration.id}`,
    headers: { ...admin, 'content-type': 'application/json' },
    payload: { severityRules: [{ matchers: [{ name: 'job', value: 'api' }], severity: 'SEV1' }] },
  });
  t.equal(patched.statusCode, 200, patched.body);
  const res = await send(payload);
  t.equal(res.statusCode, 200);
  t.equal((await repeatPathCount('fallback')) - fallbacks, 1, 'the statement refused the stale integration');
  const incident = await handle.db
    .selectFrom('incidents')
    .select(['severity'])
    .where('integration_id', '=', integration.id)
    .executeTakeFirstOrThrow();
  t.equal(incident.severity, 'SEV1', 'the full path applied the new rule');
});

t.test('an alert resolved elsewhere: the repeat applies nothing of itself, then the full path applies it once', async (t) => {
  const { second, send, counts } = await twoInstances(t);
  await send(body([alert('A'), alert('B')]));
  await send(body([alert('A'), alert('B')])); // both remembered as firing
  // Through the other instance, A resolves (B goes on firing).
  const resolvedA = { ...alert('A'), status: 'resolved', endsAt: '2026-11-22T10:05:00Z' };
  t.equal((await send(body([resolvedA, alert('B')]), second)).statusCode, 200);
  const before = await counts();
  const fallbacks = await repeatPathCount('fallback');
  const res = await send(body([alert('A'), alert('B')]));
  t.equal(res.statusCode, 200);
  t.equal((await repeatPathCount('fallback')) - fallbacks, 1, 'the repeat statement refused it');
  t.same(
    res.json().alerts.map((a: { outcome: string; incidentNumber: number | null }) => [a.outcome, a.incidentNumber === null]),
    [
      ['duplicate', true],
      ['duplicate', false],
    ],
    'A: a stale firing (its resolve is newer), B: a repeat in its incident',
  );
  const after = await counts();
  t.same(
    after.alerts.map((a) => [a.status, a.receive_count - before.alerts.find((b) => b.identity === a.identity)!.receive_count]),
    [
      ['resolved', 1],
      ['firing', 1],
    ],
    'each alert counted once: the stale firing of A is recorded, B is a repeat; nothing applied twice',
  );
  t.equal(after.deliveries - before.deliveries, 1, 'one delivery recorded');
});

t.test('a lone surrogate in labels and text repeats on the repeat path; NUL is refused on both paths', async (t) => {
  const { send, handle, integration, counts } = await twoInstances(t);
  const odd = { ...alert('Odd'), labels: { ...alert('Odd').labels, note: 'a\ud800b' }, annotations: { summary: 'x\udc00y' } };
  const first = await send(body([odd]));
  t.equal(first.statusCode, 200, first.body);
  const stored = () =>
    handle.db
      .selectFrom('alerts')
      .select(['labels', 'annotations', 'receive_count'])
      .where('integration_id', '=', integration.id)
      .executeTakeFirstOrThrow();
  const before = await stored();
  const applied = await repeatPathCount('applied');
  const again = await send(body([odd]));
  t.equal(again.statusCode, 200, again.body);
  t.equal(again.json().alerts[0].outcome, 'duplicate');
  t.equal((await repeatPathCount('applied')) - applied, 1, 'applied by the repeat path');
  const after = await stored();
  t.equal(after.receive_count, 2);
  t.same([after.labels, after.annotations], [before.labels, before.annotations], 'the same text as the full path stored');
  t.equal((after.labels as Record<string, string>).note, 'a\ufffdb', 'the lone surrogate stored as U+FFFD');
  // The same alert with a NUL in a label, from a key this process remembers: refused, nothing counted.
  const withNul = { ...odd, labels: { ...odd.labels, note: 'a\u0000b' } };
  const countsBefore = await counts();
  const refused = await send(body([withNul]));
  t.equal(refused.statusCode, 400);
  t.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
  const countsAfter = await counts();
  t.same(countsAfter.alerts, countsBefore.alerts, 'no alert counted');
  t.equal(countsAfter.deliveries, countsBefore.deliveries + 1, 'only the refused delivery recorded (status 400)');
});
