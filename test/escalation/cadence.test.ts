/**
 * KLAXON_UPDATE_CADENCE times status-update reminders wherever an incident's reminders start:
 * a webhook opening it (the open path and the full path), a declaration, and the job runner's
 * later reminders. Before, every one of them used the seeds' cadence whatever was configured,
 * while the API's nextUpdateDueAt followed the configuration.
 */
import t, { type Test } from 'tap';
import { loadConfig } from '../../src/config.js';
import { jobSettings } from '../../src/jobs/runner.js';
import { buildTestApp, createIntegration } from '../helper.js';
import { pathCount } from '../support/paths.js';

const ZERO = '0001-01-01T00:00:00Z';
const CADENCE = 'SEV1=5m,SEV2=7m,SEV3=9m,SEV4=11m';
const MINUTES = { SEV1: 5, SEV2: 7, SEV3: 9, SEV4: 11 } as const;

const alert = (name: string, status: 'firing' | 'resolved', severity: string) => ({
  status,
  labels: { alertname: name, severity, instance: 'web-1' },
  annotations: { summary: `${name} on web-1` },
  startsAt: new Date(Date.now() - 60_000).toISOString(),
  endsAt: status === 'firing' ? ZERO : new Date().toISOString(),
  fingerprint: `fp-${name}`,
});
const body = (alerts: ReturnType<typeof alert>[]) => ({
  version: '4',
  receiver: 'klaxon',
  status: 'firing',
  groupKey: '{}:{}',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://am',
  truncatedAlerts: 0,
  alerts,
});

/** An app with the cadence configured, an admin, and a way to declare an incident. */
async function setup(t: Test) {
  const { app, handle, auth } = await buildTestApp(t, { config: { KLAXON_UPDATE_CADENCE: CADENCE } });
  const admin = await auth('admin');
  const declare = async (severity: string) => {
    const res = await app.inject({ method: 'POST', url: '/v1/incidents', headers: admin, payload: { title: 'Checkout', severity } });
    t.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };
  const reminderAt = async (id: string) =>
    (await handle.db.selectFrom('incident_escalations').select('reminder_at').where('incident_id', '=', id).executeTakeFirstOrThrow())
      .reminder_at!;
  return { app, handle, admin, declare, reminderAt };
}

t.test('incidents opened by a webhook or declared get their first reminder one configured cadence later', async (t) => {
  const { app, handle, admin, declare } = await setup(t);
  const am = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager', groupingLabels: ['alertname'] });
  const send = async (alerts: ReturnType<typeof alert>[]) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/alertmanager',
      headers: { authorization: `Bearer ${am.key}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body(alerts)),
    });
    t.equal(res.statusCode, 200, res.body);
  };
  const opened = await pathCount('open', 'applied');
  await send([alert('Cpu', 'firing', 'page')]);
  t.equal((await pathCount('open', 'applied')) - opened, 1, 'every alert firing and new: the open path');
  await send([alert('Disk', 'firing', 'warning'), alert('Gone', 'resolved', 'info')]);
  t.equal((await pathCount('open', 'applied')) - opened, 1, 'a resolved alert beside it: the full path');
  await declare('SEV2');

  const rows = await handle.db
    .selectFrom('incidents as i')
    .innerJoin('incident_escalations as e', 'e.incident_id', 'i.id')
    .select(['i.id', 'i.title', 'i.severity', 'i.opened_at', 'e.reminder_at'])
    .orderBy('i.number')
    .execute();
  t.same(
    rows.map((r) => r.severity),
    ['SEV1', 'SEV3', 'SEV2'],
    'one incident from each path, of different severities',
  );
  for (const row of rows) {
    const minutes = MINUTES[row.severity];
    t.equal(row.reminder_at!.getTime() - row.opened_at.getTime(), minutes * 60_000, `${row.title} (${row.severity}): ${minutes} min`);
    const job = await handle.db
      .selectFrom('graphile_worker.jobs' as never)
      .select(['run_at' as never])
      .where('key' as never, '=', `reminder:${row.id}` as never)
      .executeTakeFirstOrThrow();
    t.equal((job as { run_at: Date }).run_at.getTime(), row.reminder_at!.getTime(), `${row.title}: its reminder job is due then`);
  }
});

t.test('a severity override re-arms the reminder at the configured cadence of the new severity', async (t) => {
  const { app, admin, declare, reminderAt } = await setup(t);
  const id = await declare('SEV3');
  const before = Date.now();
  const patched = await app.inject({
    method: 'PATCH',
    url: `/v1/incidents/${id}`,
    headers: admin,
    payload: { severity: 'SEV1', severityReason: 'checkout is down for everyone' },
  });
  t.equal(patched.statusCode, 200, patched.body);
  const minutes = ((await reminderAt(id)).getTime() - before) / 60_000;
  t.ok(minutes >= 5 && minutes < 5.5, `SEV1 now: the next reminder 5 min after the change (got ${minutes.toFixed(2)})`);
});

t.test("the job runner's reminders take the cadence from the configuration", async (t) => {
  t.same(jobSettings(loadConfig({ KLAXON_UPDATE_CADENCE: CADENCE })).notify!.policy.updateCadenceSeconds, {
    SEV1: 300,
    SEV2: 420,
    SEV3: 540,
    SEV4: 660,
  });
  t.same(
    jobSettings(loadConfig({})).notify!.policy.updateCadenceSeconds,
    { SEV1: 900, SEV2: 1800, SEV3: 7200, SEV4: 86400 },
    'unset: the seeds',
  );
});
