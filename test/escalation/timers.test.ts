/**
 * Escalation timers end to end through the ingestion engine and the escalation_step task:
 * jobs are run with runDueJobs, and "waiting" for a delay is moving the pending job's run_at.
 */
import { sql } from 'kysely';
import t, { type Test } from 'tap';
import { escalateNow } from '../../src/escalation/hooks.js';
import { DEFAULT_POLICY } from '../../src/incidents/policy.js';
import { escalationReminderTask } from '../../src/jobs/tasks/escalation-reminder.js';
import { escalationStepTask } from '../../src/jobs/tasks/escalation-step.js';
import { createLogger } from '../../src/logger.js';
import { buildTestApp, createIntegration, type TestApp } from '../helper.js';
import { runDueJobs } from '../support/jobs.js';

const ZERO = '0001-01-01T00:00:00Z';
const log = createLogger('silent');

function amBody(name: string, status: 'firing' | 'resolved', severity: string, group = name, startsAt = new Date(Date.now() - 60_000)) {
  return {
    version: '4',
    receiver: 'klaxon',
    status,
    groupKey: `{}:{alertname="${group}"}`,
    groupLabels: { alertname: group },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://am',
    truncatedAlerts: 0,
    alerts: [
      {
        status,
        labels: { alertname: name, severity, instance: 'web-1' },
        annotations: { summary: `${name} on web-1` },
        startsAt: startsAt.toISOString(),
        endsAt: status === 'firing' ? ZERO : new Date().toISOString(),
        fingerprint: `fp-${name}`,
      },
    ],
  };
}

async function setup(t: Test) {
  const ctx = await buildTestApp(t);
  const { app, auth, handle } = ctx;
  const admin = await auth('admin');
  const alice = (
    await app.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: { name: 'Alice', email: 'alice@example.com' } })
  ).json();
  const schedules = (await app.inject({ url: '/v1/schedules', headers: admin })).json().items as { id: string; name: string }[];
  const onCall = schedules.find((s) => s.name === 'On-call engineer')!;
  const layer = {
    name: 'primary',
    users: [alice.id],
    rotation: { unit: 'weeks', length: 1 },
    handoffTime: '09:00',
    startDate: '2020-01-06',
  };
  const patched = await app.inject({ method: 'PATCH', url: `/v1/schedules/${onCall.id}`, headers: admin, payload: { layers: [layer] } });
  if (patched.statusCode !== 200) throw new Error(patched.body);
  const integration = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager', reopenWindowSeconds: 3600 });
  const send = async (body: object) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/alertmanager',
      headers: { authorization: `Bearer ${integration.key}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    if (res.statusCode !== 200) throw new Error(res.body);
    return res.json().alerts[0].incidentId as string;
  };
  const tasks = {
    escalation_step: escalationStepTask(handle.db, log),
    escalation_reminder: escalationReminderTask(handle.db, DEFAULT_POLICY.updateCadenceSeconds, log),
  };
  const run = () => runDueJobs(handle.db, handle.pool, tasks);
  return { ...ctx, admin, alice, send, run };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

const notifications = async ({ handle }: TestApp, incidentId: string) =>
  (
    await sql<{ cycle: number; step: number; channel: string; address: string; purpose: string }>`
      select cycle, step, channel, address, purpose from notifications where incident_id = ${incidentId}
      order by cycle, step, channel, address`.execute(handle.db)
  ).rows.map((r) => `${r.cycle}/${r.step} ${r.channel} ${r.address} ${r.purpose}`);

const state = async ({ handle }: TestApp, incidentId: string) =>
  handle.db.selectFrom('incident_escalations').selectAll().where('incident_id', '=', incidentId).executeTakeFirstOrThrow();

/** The pending timer becomes due now: the test's stand-in for waiting out a delay. */
async function elapse({ handle }: TestApp, incidentId: string) {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from graphile_worker.reschedule_jobs(
      array(select id from graphile_worker.jobs where key = ${`escalation:${incidentId}`}), run_at => now())`.execute(handle.db);
  return rows[0]!.n;
}

const events = async ({ handle }: TestApp, incidentId: string) =>
  (
    await handle.db.selectFrom('incident_events').select(['kind', 'message']).where('incident_id', '=', incidentId).orderBy('id').execute()
  ).filter((e) => e.kind.startsWith('escalat'));

t.test('SEV1: step 0 at once, step 1 after its delay, acknowledgement stops paging', async (t) => {
  const c: Ctx = await setup(t);
  const id = await c.send(amBody('Down', 'firing', 'page'));
  t.equal((await state(c, id)).step, 0, 'opening armed step 0 in the same transaction');
  t.same(await notifications(c, id), [], 'nothing is queued before the timer runs');
  await c.run();
  t.same(await notifications(c, id), ['0/0 chat #incidents notify', '0/0 email alice@example.com page'], 'on-call paged, #incidents told');
  const after0 = await state(c, id);
  t.same([after0.cycle, after0.step], [0, 1]);
  t.ok(after0.next_at! > new Date(Date.now() + 200_000), 'step 1 waits its 300 s');
  await c.run();
  t.equal((await notifications(c, id)).length, 2, 'nothing more before the delay passes');
  t.match(
    (await events(c, id)).map((e) => e.message).join('\n'),
    /nobody is on call in "Engineering manager"/,
    'the empty manager target is recorded',
  );

  t.equal(await elapse(c, id), 1);
  await c.run();
  t.same((await notifications(c, id)).slice(2), ['0/1 email alice@example.com page'], 'not acknowledged: step 1 re-pages');

  // Acknowledged (set directly until the lifecycle lands): the next timer stops instead of paging.
  await c.handle.db.updateTable('incidents').set({ status: 'acknowledged' }).where('id', '=', id).execute();
  await elapse(c, id);
  await c.run();
  t.equal((await notifications(c, id)).length, 3, 'no page after the acknowledgement');
  const stopped = await state(c, id);
  t.equal(stopped.stop_reason, 'acknowledged');
  t.equal(await elapse(c, id), 0, 'no timer is left');
});

t.test('resolve stops everything; a reopen starts again in a new cycle', async (t) => {
  const c: Ctx = await setup(t);
  const id = await c.send(amBody('Api', 'firing', 'page'));
  await c.run();
  t.equal((await notifications(c, id)).length, 2);
  await c.send(amBody('Api', 'resolved', 'page'));
  const s = await state(c, id);
  t.equal(s.stop_reason, 'resolved');
  t.equal(await elapse(c, id), 0, 'the pending step-1 timer was removed');
  // A new firing (it started after the resolution) within the reopen window.
  const again = await c.send(amBody('Api', 'firing', 'page', 'Api', new Date(Date.now() + 1000)));
  t.equal(again, id, 'reopened within the window');
  const reopened = await state(c, id);
  t.same([reopened.cycle, reopened.step, reopened.stopped_at], [1, 0, null]);
  await c.run();
  t.same(
    (await notifications(c, id)).slice(2),
    ['1/0 chat #incidents notify', '1/0 email alice@example.com page'],
    'paged again, keyed by cycle 1',
  );
});

t.test('a severity change re-plans from the new policy', async (t) => {
  const c: Ctx = await setup(t);
  const id = await c.send(amBody('Slow', 'firing', 'warning', 'g'));
  await c.run();
  t.same(await notifications(c, id), ['0/0 chat #incidents-low notify'], 'SEV3: chat only');
  t.equal((await state(c, id)).stop_reason, 'completed', 'the SEV3 default has one step');
  // A second alert in the group raises the incident to SEV1.
  t.equal(await c.send(amBody('Down', 'firing', 'page', 'g')), id);
  const s = await state(c, id);
  t.same([s.cycle, s.step, s.stop_reason], [1, 0, null]);
  await c.run();
  t.same(
    (await notifications(c, id)).slice(1),
    ['1/0 chat #incidents notify', '1/0 email alice@example.com page'],
    'the SEV1 policy pages at once in a new cycle',
  );
});

t.test('a timer run twice, or a stale timer, sends nothing twice; escalateNow fires the pending step', async (t) => {
  const c: Ctx = await setup(t);
  const id = await c.send(amBody('Disk', 'firing', 'page'));
  await c.run();
  const { runEscalationStep } = await import('../../src/escalation/engine.js');
  await c.handle.db.transaction().execute((trx) => runEscalationStep(trx, { incidentId: id, cycle: 0, step: 0 }, new Date()));
  t.equal((await notifications(c, id)).length, 2, 'step 0 again is stale: nothing new');

  // A final failure of step 0's page asks to escalate: step 1 fires at once.
  const fired = await c.handle.db.transaction().execute((trx) => escalateNow(trx, id, 'email to alice failed', { cycle: 0, step: 0 }));
  t.equal(fired, true, 'the pending step fired');
  await c.run();
  t.same((await notifications(c, id)).slice(2), ['0/1 email alice@example.com page']);
  // A second failure report about step 0 comes late: the escalation has moved on, nothing is hastened.
  const late = await c.handle.db.transaction().execute((trx) => escalateNow(trx, id, 'late', { cycle: 0, step: 0 }));
  t.equal(late, false, 'a late report fires nothing');
  await c.run();
  t.equal((await notifications(c, id)).length, 3);
  t.same(
    (await events(c, id)).map((e) => e.kind),
    ['escalation_started', 'escalation_step', 'escalated', 'escalation_step'],
    'nothing after the second step: the late failure hastened nothing',
  );
});

t.test('the dry run agrees with what the engine then does', async (t) => {
  const c: Ctx = await setup(t);
  const policies = (await c.app.inject({ url: '/v1/escalation-policies', headers: c.admin })).json().items as {
    id: string;
    name: string;
  }[];
  const sev1 = policies.find((p) => p.name.startsWith('Default SEV1'))!;
  const before = new Date();
  const sim = (
    await c.app.inject({
      method: 'POST',
      url: `/v1/escalation-policies/${sev1.id}/simulate`,
      headers: c.admin,
      payload: { severity: 'SEV1' },
    })
  ).json();
  t.same(sim.chosenPolicy.id, sev1.id);
  const planned = (i: number) =>
    sim.steps[i].targets
      .flatMap((x: { notifications: { channel: string; address: string; purpose: string }[] }) => x.notifications)
      .map((n: { channel: string; address: string; purpose: string }) => `0/${i} ${n.channel} ${n.address} ${n.purpose}`)
      .sort();
  const id = await c.send(amBody('Boom', 'firing', 'page'));
  await c.run();
  t.same(await notifications(c, id), planned(0), 'step 0 as planned');
  const s = await state(c, id);
  const plannedGap = Date.parse(sim.steps[1].at) - Date.parse(sim.steps[0].at);
  t.equal(s.next_at!.getTime() - s.last_fired_at!.getTime(), plannedGap, 'step 1 armed after the planned delay');
  await elapse(c, id);
  await c.run();
  t.same((await notifications(c, id)).slice(2), planned(1), 'step 1 as planned');
  t.ok(before <= s.last_fired_at!);
});

t.test('status-update reminders follow the severity cadence while the incident is open', async (t) => {
  const c: Ctx = await setup(t);
  const id = await c.send(amBody('Cpu', 'firing', 'page'));
  await c.run();
  const s = await state(c, id);
  const opened = (await c.handle.db.selectFrom('incidents').select('opened_at').where('id', '=', id).executeTakeFirstOrThrow()).opened_at;
  t.equal(s.reminder_at!.getTime() - opened.getTime(), 15 * 60_000, 'SEV1: the first reminder is due 15 min after opening');
  const reminders = async () => (await notifications(c, id)).filter((n) => n.endsWith('reminder'));
  const dueNow = () =>
    sql`select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs where key = ${`reminder:${id}`}), run_at => now())`.execute(
      c.handle.db,
    );

  await dueNow();
  await c.run();
  t.same(await reminders(), [], 'run early (the cadence has not passed): no reminder, the timer is re-armed');
  t.equal((await state(c, id)).reminder_at!.getTime(), s.reminder_at!.getTime());

  // Acknowledged incidents still owe updates; 16 minutes have "passed" since opening.
  await c.handle.db
    .updateTable('incidents')
    .set({ status: 'acknowledged', opened_at: new Date(Date.now() - 16 * 60_000) })
    .where('id', '=', id)
    .execute();
  await dueNow();
  await c.run();
  t.same(
    await reminders(),
    ['0/-1 chat #incidents reminder', '0/-1 email alice@example.com reminder'],
    'the on-call and #incidents are reminded',
  );
  const after = await state(c, id);
  t.equal(after.reminder_seq, 1);
  t.ok(after.reminder_at! > new Date(Date.now() + 14 * 60_000), 'the next reminder a cadence later');
  await dueNow();
  await c.run();
  t.equal((await reminders()).length, 2, 'not again before the next cadence');

  await c.send(amBody('Cpu', 'resolved', 'page'));
  t.equal((await state(c, id)).reminder_at, null, 'resolving stops reminders');
  t.equal((await dueNow()).rows.length, 0, 'no reminder timer is left');
});

t.test('two processes running the same timer at once: the step fires once', async (t) => {
  const c: Ctx = await setup(t);
  const id = await c.send(amBody('Race', 'firing', 'page'));
  const { openDatabase } = await import('../../src/db/client.js');
  const { runEscalationStep } = await import('../../src/escalation/engine.js');
  const other = openDatabase(c.handle.url, 2);
  t.teardown(() => other.close());
  const payload = { incidentId: id, cycle: 0, step: 0 };
  // Each transaction takes the state row lock; the second waits, then finds the step already fired.
  await Promise.all([
    c.handle.db.transaction().execute((trx) => runEscalationStep(trx, payload, new Date())),
    other.db.transaction().execute((trx) => runEscalationStep(trx, payload, new Date())),
  ]);
  t.same(await notifications(c, id), ['0/0 chat #incidents notify', '0/0 email alice@example.com page']);
  t.equal((await events(c, id)).filter((e) => e.kind === 'escalation_step').length, 1, 'one step on the timeline');
  const s = await state(c, id);
  t.same([s.cycle, s.step], [0, 1]);
});

t.test('the lifecycle API drives escalation: declare pages, acknowledge stops at once, reopen restarts', async (t) => {
  const c: Ctx = await setup(t);
  const declared = await c.app.inject({
    method: 'POST',
    url: '/v1/incidents',
    headers: c.admin,
    payload: { title: 'Checkout down (customer report)', severity: 'SEV1', service: 'checkout' },
  });
  t.equal(declared.statusCode, 201, declared.body);
  const id = declared.json().id as string;
  t.equal((await state(c, id)).step, 0, 'declaring armed step 0 in the same transaction');
  await c.run();
  t.same(await notifications(c, id), ['0/0 chat #incidents notify', '0/0 email alice@example.com page'], 'a declared SEV1 pages too');

  const ack = await c.app.inject({ method: 'POST', url: `/v1/incidents/${id}/acknowledge`, headers: c.admin });
  t.equal(ack.statusCode, 200);
  const stopped = await state(c, id);
  t.equal(stopped.stop_reason, 'acknowledged', 'acknowledging through the API stops escalation in its transaction');
  t.equal(await elapse(c, id), 0, 'no timer is left to fire');
  await c.run();
  t.equal((await notifications(c, id)).length, 2, 'no page after the acknowledgement');

  await c.app.inject({ method: 'POST', url: `/v1/incidents/${id}/resolve`, headers: c.admin });
  const reopened = await c.app.inject({ method: 'POST', url: `/v1/incidents/${id}/reopen`, headers: c.admin });
  t.equal(reopened.statusCode, 200);
  t.same([(await state(c, id)).cycle, (await state(c, id)).stopped_at], [1, null], 'a reopen starts a new cycle');
  await c.run();
  t.same((await notifications(c, id)).slice(2), ['1/0 chat #incidents notify', '1/0 email alice@example.com page']);
  const kinds = (await c.app.inject({ url: `/v1/incidents/${id}/timeline?limit=200`, headers: c.admin }))
    .json()
    .items.map((e: { kind: string }) => e.kind);
  t.same(
    kinds.filter((k: string) => k.startsWith('escalation') || ['declared', 'acknowledged', 'resolved', 'reopened'].includes(k)),
    [
      'declared',
      'escalation_started',
      'escalation_step',
      'acknowledged',
      'escalation_stopped',
      'resolved',
      'reopened',
      'escalation_started',
      'escalation_step',
    ],
  );
});
