import t from 'tap';
import { buildTestApp } from '../helper.js';

const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

t.test('hostile and broken requests to people, schedules and policies are 4xx problems', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const user = (await app.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: { name: 'U' } })).json();
  const schedule = (await app.inject({ method: 'POST', url: '/v1/schedules', headers: admin, payload: { name: 'S' } })).json();
  const bodies: unknown[] = [
    null,
    [],
    'x',
    42,
    {},
    { name: '' },
    { name: 'a'.repeat(10_000) },
    { name: 'ok', extra: 1 },
    { name: 'ok', timeZone: '../../etc/passwd' },
    {
      name: 'ok',
      layers: [{ name: 'l', users: ['not-a-uuid'], rotation: { unit: 'days', length: 0 }, handoffTime: '9:00', startDate: 'x' }],
    },
    {
      name: 'ok',
      layers: [{ name: 'l', users: [ZERO_UUID], rotation: { unit: 'years', length: 1 }, handoffTime: '09:00', startDate: '2026-01-01' }],
    },
    {
      name: 'ok',
      layers: [{ name: 'l', users: [ZERO_UUID], rotation: { unit: 'days', length: 1 }, handoffTime: '09:00', startDate: '2026-01-01' }],
    },
    { name: 'ok', match: {}, steps: [{ delaySeconds: -1, targets: [{ type: 'chat', channel: '#x' }] }] },
    { name: 'ok', match: { severities: ['SEV9'] }, steps: [{ delaySeconds: 0, targets: [{ type: 'chat', channel: 'no-hash' }] }] },
    { name: 'ok', match: {}, steps: [{ delaySeconds: 0, targets: [{ type: 'webhook', url: 'javascript:alert(1)' }] }] },
    { name: 'ok', match: {}, steps: [{ delaySeconds: 0, targets: [{ type: 'user', id: ZERO_UUID }] }] },
    { name: 'ok', match: { integrations: [ZERO_UUID] }, steps: [{ delaySeconds: 0, targets: [{ type: 'chat', channel: '#x' }] }] },
    { userId: ZERO_UUID, start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' },
    { userId: user.id, start: 'soon', end: 'later' },
    { severity: 'SEV1', at: 'not-a-date' },
    { severity: 'SEV1', limit: 100000 },
  ];
  const routes: [string, string][] = [
    ['POST', '/v1/users'],
    ['PATCH', `/v1/users/${user.id}`],
    ['POST', '/v1/schedules'],
    ['PATCH', `/v1/schedules/${schedule.id}`],
    ['POST', `/v1/schedules/${schedule.id}/overrides`],
    ['POST', `/v1/schedules/${ZERO_UUID}/overrides`],
    ['POST', '/v1/escalation-policies'],
    ['PUT', `/v1/escalation-policies/${ZERO_UUID}`],
    ['POST', `/v1/escalation-policies/${ZERO_UUID}/simulate`],
  ];
  const seen = new Set<number>();
  for (const [method, url] of routes) {
    for (const body of bodies) {
      const res = await app.inject({
        method: method as 'POST',
        url,
        headers: { ...admin, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      seen.add(res.statusCode);
      if (res.statusCode >= 500 || (res.statusCode >= 400 && !String(res.headers['content-type']).startsWith('application/problem+json'))) {
        t.fail(`${method} ${url} ${JSON.stringify(body).slice(0, 80)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
  }
  t.ok(seen.has(400) && seen.has(404) && seen.has(422), `statuses seen: ${[...seen].sort().join(', ')}`);
  for (const url of [
    '/v1/users/x',
    '/v1/schedules/x/on-call',
    `/v1/schedules/${schedule.id}/on-call?at=2026-13-01T00:00:00Z`,
    '/v1/escalation-policies/%00',
  ]) {
    const res = await app.inject({ url, headers: admin });
    t.equal(res.statusCode, 400, url);
  }
  t.equal((await app.inject({ url: '/v1/users' })).statusCode, 401, 'no key');
});
