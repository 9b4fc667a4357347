import t from 'tap';
import { decideReminder } from '../../src/escalation/reminders.js';

const openedAt = new Date('2026-01-01T00:00:00Z');
const job = { incidentId: 'i', seq: 2 };
const state = { reminderSeq: 2 };
const at = (min: number) => new Date(openedAt.getTime() + min * 60_000);

t.test('reminds once the cadence of the severity has passed without an update', async (t) => {
  const sev1 = { status: 'investigating' as const, severity: 'SEV1' as const, openedAt };
  t.same(decideReminder(job, state, sev1, { updateAt: null, reminderAt: null }, at(15)), { kind: 'remind', nextAt: at(30) });
  t.same(decideReminder(job, state, sev1, { updateAt: null, reminderAt: null }, at(14)), { kind: 'later', at: at(15) }, 'not yet');
  t.same(
    decideReminder(job, state, sev1, { updateAt: at(10), reminderAt: null }, at(15)),
    { kind: 'later', at: at(25) },
    'an update restarts the cadence',
  );
  t.same(
    decideReminder(job, state, sev1, { updateAt: null, reminderAt: at(15) }, at(16)),
    { kind: 'later', at: at(30) },
    'one reminder per cadence',
  );
  t.same(
    decideReminder(job, state, { ...sev1, severity: 'SEV4' }, { updateAt: null, reminderAt: null }, at(60)),
    { kind: 'later', at: at(1440) },
    'SEV4: daily',
  );
  t.same(
    decideReminder(job, state, { ...sev1, severity: 'SEV3' }, { updateAt: null, reminderAt: null }, at(120)),
    { kind: 'remind', nextAt: at(240) },
    'SEV3: 2 h',
  );
});

t.test('stops when resolved; ignores a stale timer', async (t) => {
  const inc = { status: 'resolved' as const, severity: 'SEV2' as const, openedAt };
  t.same(decideReminder(job, state, inc, { updateAt: null, reminderAt: null }, at(60)), { kind: 'stop' });
  t.same(decideReminder({ ...job, seq: 1 }, state, { ...inc, status: 'triggered' }, { updateAt: null, reminderAt: null }, at(60)), {
    kind: 'stale',
  });
  t.same(decideReminder(job, undefined, { ...inc, status: 'triggered' }, { updateAt: null, reminderAt: null }, at(60)), { kind: 'stale' });
});
