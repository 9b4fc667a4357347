import t from 'tap';
import { decideReminder, firstReminderAt } from '../../src/escalation/reminders.js';
import { DEFAULT_POLICY, parseAckTargets } from '../../src/incidents/policy.js';

const SEEDS = DEFAULT_POLICY.updateCadenceSeconds;

const openedAt = new Date('2026-01-01T00:00:00Z');
const job = { incidentId: 'i', seq: 2 };
const state = { reminderSeq: 2 };
const at = (min: number) => new Date(openedAt.getTime() + min * 60_000);

t.test('reminds once the cadence of the severity has passed without an update', async (t) => {
  const sev1 = { status: 'investigating' as const, severity: 'SEV1' as const, openedAt };
  t.same(decideReminder(job, state, sev1, { updateAt: null, reminderAt: null }, at(15), SEEDS), { kind: 'remind', nextAt: at(30) });
  t.same(decideReminder(job, state, sev1, { updateAt: null, reminderAt: null }, at(14), SEEDS), { kind: 'later', at: at(15) }, 'not yet');
  t.same(
    decideReminder(job, state, sev1, { updateAt: at(10), reminderAt: null }, at(15), SEEDS),
    { kind: 'later', at: at(25) },
    'an update restarts the cadence',
  );
  t.same(
    decideReminder(job, state, sev1, { updateAt: null, reminderAt: at(15) }, at(16), SEEDS),
    { kind: 'later', at: at(30) },
    'one reminder per cadence',
  );
  t.same(
    decideReminder(job, state, { ...sev1, severity: 'SEV4' }, { updateAt: null, reminderAt: null }, at(60), SEEDS),
    { kind: 'later', at: at(1440) },
    'SEV4: daily',
  );
  t.same(
    decideReminder(job, state, { ...sev1, severity: 'SEV3' }, { updateAt: null, reminderAt: null }, at(120), SEEDS),
    { kind: 'remind', nextAt: at(240) },
    'SEV3: 2 h',
  );
});

t.test('stops when resolved; ignores a stale timer', async (t) => {
  const inc = { status: 'resolved' as const, severity: 'SEV2' as const, openedAt };
  t.same(decideReminder(job, state, inc, { updateAt: null, reminderAt: null }, at(60), SEEDS), { kind: 'stop' });
  t.same(decideReminder({ ...job, seq: 1 }, state, { ...inc, status: 'triggered' }, { updateAt: null, reminderAt: null }, at(60), SEEDS), {
    kind: 'stale',
  });
  t.same(decideReminder(job, undefined, { ...inc, status: 'triggered' }, { updateAt: null, reminderAt: null }, at(60), SEEDS), {
    kind: 'stale',
  });
});

t.test('KLAXON_UPDATE_CADENCE times reminders, the first as the later ones', async (t) => {
  const cadence = parseAckTargets('SEV1=5m,SEV3=30m', SEEDS);
  const sev1 = { status: 'investigating' as const, severity: 'SEV1' as const, openedAt };
  t.same(firstReminderAt('SEV1', openedAt, cadence), at(5), 'the first reminder, as ingestion and the lifecycle arm it');
  t.same(firstReminderAt('SEV2', openedAt, cadence), at(30), 'a severity left out keeps the seeds');
  t.same(decideReminder(job, state, sev1, { updateAt: null, reminderAt: null }, at(5), cadence), { kind: 'remind', nextAt: at(10) });
  t.same(decideReminder(job, state, { ...sev1, severity: 'SEV3' }, { updateAt: null, reminderAt: null }, at(20), cadence), {
    kind: 'later',
    at: at(30),
  });
});
