import t from 'tap';
import { buildTestApp, createIntegration } from '../helper.js';

t.test('people, schedules and policies: CRUD, on-call, references, roles, dry run', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const viewer = await auth('viewer');
  const responder = await auth('responder');
  const call = (method: string, url: string, headers: Record<string, string>, payload?: unknown) =>
    app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload: payload as object } : {}) });

  // People
  const alice = (await call('POST', '/v1/users', admin, { name: 'Alice', email: 'alice@example.com', timeZone: 'Europe/Berlin' })).json();
  t.equal(alice.timeZone, 'Europe/Berlin');
  const bob = (await call('POST', '/v1/users', admin, { name: 'Bob', email: 'bob@example.com', pagerAddress: 'bob-pager' })).json();
  t.equal(bob.timeZone, 'UTC', 'UTC by default');
  const bad = await call('POST', '/v1/users', admin, { name: 'X', timeZone: 'Mars/Base' });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().errors[0].path, '/body/timeZone');
  t.equal((await call('POST', '/v1/users', admin, { name: 'X', email: 'not-an-email' })).statusCode, 400);
  t.equal((await call('POST', '/v1/users', viewer, { name: 'X' })).statusCode, 403, 'viewers cannot write');
  t.equal((await call('GET', '/v1/users', viewer)).json().items.length, 2, 'viewers read');
  const patched = await call('PATCH', `/v1/users/${bob.id}`, admin, { pagerAddress: null });
  t.equal(patched.json().pagerAddress, null);
  t.equal((await call('GET', '/v1/users/00000000-0000-4000-8000-000000000000', viewer)).json().code, 'KLX_USER_NOT_FOUND');

  // Schedules (the two defaults exist, empty)
  const defaults = (await call('GET', '/v1/schedules', viewer)).json().items;
  t.same(defaults.map((s: { name: string }) => s.name).sort(), ['Engineering manager', 'On-call engineer']);
  const layer = {
    name: 'primary',
    users: [alice.id, bob.id],
    rotation: { unit: 'days', length: 1 },
    handoffTime: '09:00',
    startDate: '2026-03-28',
  };
  const created = await call('POST', '/v1/schedules', admin, { name: 'Platform', timeZone: 'Europe/Berlin', layers: [layer] });
  t.equal(created.statusCode, 201, created.body);
  const platform = created.json();
  const unknownUser = await call('POST', '/v1/schedules', admin, {
    name: 'Ghost',
    layers: [{ ...layer, users: [alice.id, '00000000-0000-4000-8000-000000000001'] }],
  });
  t.equal(unknownUser.statusCode, 422);
  t.equal(unknownUser.json().code, 'KLX_UNKNOWN_REFERENCE');
  t.equal(unknownUser.json().errors[0].path, '/body/layers/0/users/1');
  t.equal((await call('POST', '/v1/schedules', admin, { name: 'Z', layers: [{ ...layer, handoffTime: '24:00' }] })).statusCode, 400);
  t.equal((await call('POST', '/v1/schedules', admin, { name: 'Z', layers: [{ ...layer, startDate: '2026-02-30' }] })).statusCode, 400);

  // On-call across spring-forward: Alice from 09:00 CET on 03-28, Bob from 09:00 CEST (07:00Z) on 03-29.
  const at = (iso: string) =>
    call('GET', `/v1/schedules/${platform.id}/on-call?at=${encodeURIComponent(iso)}`, viewer).then((r) => r.json());
  t.same((await at('2026-03-29T06:59:00Z')).users, [{ id: alice.id, name: 'Alice' }]);
  const sunday = await at('2026-03-29T07:00:00Z');
  t.same(sunday.users, [{ id: bob.id, name: 'Bob' }]);
  t.equal(sunday.shifts[0].end, '2026-03-30T07:00:00.000Z');
  t.equal((await call('GET', `/v1/schedules/${platform.id}/on-call?at=yesterday`, viewer)).statusCode, 400);

  // Overrides: responders may add them
  const override = await call('POST', `/v1/schedules/${platform.id}/overrides`, responder, {
    userId: bob.id,
    start: '2026-03-28T10:00:00Z',
    end: '2026-03-28T12:00:00Z',
  });
  t.equal(override.statusCode, 201, override.body);
  t.same((await at('2026-03-28T11:00:00Z')).users, [{ id: bob.id, name: 'Bob' }], 'the override replaces Alice');
  t.equal(
    (
      await call('POST', `/v1/schedules/${platform.id}/overrides`, responder, {
        userId: bob.id,
        start: '2026-03-28T12:00:00Z',
        end: '2026-03-28T10:00:00Z',
      })
    ).statusCode,
    400,
    'end before start',
  );
  t.equal((await call('GET', `/v1/schedules/${platform.id}/overrides?includePast=true`, viewer)).json().items.length, 1);
  t.equal((await call('DELETE', `/v1/schedules/${platform.id}/overrides/${override.json().id}`, responder)).statusCode, 204);
  t.equal(
    (await call('PATCH', `/v1/schedules/${platform.id}`, responder, { name: 'nope' })).statusCode,
    403,
    'responders cannot edit rotations',
  );

  // Policies
  const integration = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  const policyBody = {
    name: 'Checkout SEV1',
    match: { severities: ['SEV1'], services: ['checkout'] },
    repeat: 1,
    repeatDelaySeconds: 600,
    steps: [
      {
        delaySeconds: 0,
        targets: [
          { type: 'schedule', id: platform.id },
          { type: 'chat', channel: '#incidents' },
        ],
      },
      {
        delaySeconds: 300,
        targets: [
          { type: 'user', id: bob.id },
          { type: 'webhook', url: 'http://127.0.0.1:9/ticket', secret: 'a-very-secret-signing-key' },
        ],
      },
    ],
  };
  const policyRes = await call('POST', '/v1/escalation-policies', admin, policyBody);
  t.equal(policyRes.statusCode, 201, policyRes.body);
  const policy = policyRes.json();
  t.notMatch(policyRes.body, /a-very-secret/, 'the webhook secret is never shown');
  t.same(policy.steps[1].targets[1], { type: 'webhook', url: 'http://127.0.0.1:9/ticket', signed: true, purpose: 'ticket' });
  const unknown = await call('POST', '/v1/escalation-policies', admin, {
    ...policyBody,
    match: { integrations: ['00000000-0000-4000-8000-000000000002'] },
    steps: [{ delaySeconds: 0, targets: [{ type: 'schedule', id: '00000000-0000-4000-8000-000000000003' }] }],
  });
  t.equal(unknown.statusCode, 422);
  t.same(
    unknown.json().errors.map((e: { path: string }) => e.path),
    ['/body/steps/0/targets/0/id'],
    'the first unknown reference class is reported',
  );
  t.equal((await call('POST', '/v1/escalation-policies', admin, { ...policyBody, steps: [] })).statusCode, 400);
  t.equal(
    (
      await call('POST', '/v1/escalation-policies', admin, {
        ...policyBody,
        steps: [{ delaySeconds: 0, targets: [{ type: 'sms', to: '1' }] }],
      })
    ).statusCode,
    400,
  );

  // A PUT without the secret keeps it for the same URL
  const { secret: _s, ...webhookNoSecret } = policyBody.steps[1]!.targets[1] as { secret: string };
  const put = await call('PUT', `/v1/escalation-policies/${policy.id}`, admin, {
    ...policyBody,
    match: { ...policyBody.match, integrations: [integration.id] },
    steps: [policyBody.steps[0], { ...policyBody.steps[1], targets: [policyBody.steps[1]!.targets[0], webhookNoSecret] }],
  });
  t.equal(put.statusCode, 200, put.body);
  t.equal(put.json().steps[1].targets[1].signed, true);

  // Dry run: at 2026-03-29T06:58Z Alice is on call; the step at +5 min comes after no hand-off
  const sim = await call('POST', `/v1/escalation-policies/${policy.id}/simulate`, viewer, {
    severity: 'SEV1',
    service: 'checkout',
    integrationId: integration.id,
    at: '2026-03-29T06:58:00Z',
  });
  t.equal(sim.statusCode, 200, sim.body);
  const plan = sim.json();
  t.same(plan.chosenPolicy, { id: policy.id, name: 'Checkout SEV1' }, 'the most specific policy is chosen');
  t.same(
    plan.steps.map((s: { round: number; step: number; at: string }) => [s.round, s.step, s.at]),
    [
      [0, 0, '2026-03-29T06:58:00.000Z'],
      [0, 1, '2026-03-29T07:03:00.000Z'],
      [1, 0, '2026-03-29T07:13:00.000Z'],
      [1, 1, '2026-03-29T07:18:00.000Z'],
    ],
  );
  t.same(plan.steps[0].targets[0].onCall, [{ id: alice.id, name: 'Alice' }]);
  t.same(plan.steps[2].targets[0].onCall, [{ id: bob.id, name: 'Bob' }], 'the repeat after the 09:00 CEST hand-off pages Bob');
  t.same(plan.steps[0].targets[0].notifications, [
    { channel: 'email', address: 'alice@example.com', purpose: 'page', userId: alice.id, userName: 'Alice' },
  ]);
  t.notMatch(sim.body, /a-very-secret/);
  const other = await call('POST', `/v1/escalation-policies/${policy.id}/simulate`, viewer, { severity: 'SEV2', service: 'search' });
  t.match(other.json().chosenPolicy.name, /Default SEV2/, 'a SEV2 elsewhere goes to the shipped SEV2 default');

  // References block deletion; 409 problems, never 500s
  const delBob = await call('DELETE', `/v1/users/${bob.id}`, admin);
  t.equal(delBob.statusCode, 409);
  t.equal(delBob.json().code, 'KLX_STILL_REFERENCED');
  t.match(delBob.json().detail, /schedule "Platform"/);
  t.match(delBob.json().detail, /escalation policy "Checkout SEV1"/);
  const delSchedule = await call('DELETE', `/v1/schedules/${platform.id}`, admin);
  t.equal(delSchedule.statusCode, 409);
  t.equal((await call('DELETE', `/v1/escalation-policies/${policy.id}`, admin)).statusCode, 204);
  t.equal((await call('DELETE', `/v1/schedules/${platform.id}`, admin)).statusCode, 204);
  t.equal((await call('DELETE', `/v1/users/${bob.id}`, admin)).statusCode, 204);
  t.equal((await call('DELETE', `/v1/users/${bob.id}`, admin)).statusCode, 404);
});

t.test('a user with a future override cannot be deleted; one with only past overrides can', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const carol = (await app.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: { name: 'Carol' } })).json();
  const schedules = (await app.inject({ method: 'GET', url: '/v1/schedules', headers: admin })).json().items;
  const url = `/v1/schedules/${schedules[0].id}/overrides`;
  const future = await app.inject({
    method: 'POST',
    url,
    headers: admin,
    payload: { userId: carol.id, start: '2099-01-01T00:00:00Z', end: '2099-01-02T00:00:00Z' },
  });
  t.equal(future.statusCode, 201);
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/users/${carol.id}`, headers: admin })).statusCode, 409);
  await app.inject({ method: 'DELETE', url: `${url}/${future.json().id}`, headers: admin });
  await app.inject({
    method: 'POST',
    url,
    headers: admin,
    payload: { userId: carol.id, start: '2001-01-01T00:00:00Z', end: '2001-01-02T00:00:00Z' },
  });
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/users/${carol.id}`, headers: admin })).statusCode, 204);
});
