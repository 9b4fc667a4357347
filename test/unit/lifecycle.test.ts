/** The incident state machine (src/incidents/lifecycle.ts): every status × action, allowed and refused. */
import t from 'tap';
import { decideTransition, type IncidentAction, planTransition } from '../../src/incidents/lifecycle.js';
import { DEFAULT_POLICY } from '../../src/incidents/policy.js';
import { INCIDENT_STATUSES, type IncidentStatus } from '../../src/vocabulary.js';

const ACTIONS: Record<string, IncidentAction> = {
  acknowledge: { type: 'acknowledge' },
  investigating: { type: 'status', status: 'investigating' },
  identified: { type: 'status', status: 'identified' },
  mitigating: { type: 'status', status: 'mitigating' },
  'status resolved': { type: 'status', status: 'resolved' },
  resolve: { type: 'resolve' },
  reopen: { type: 'reopen' },
};

// The whole table: status → action → the resulting status, 'same' (a no-op) or 'refused'.
const TABLE: Record<IncidentStatus, Record<string, IncidentStatus | 'same' | 'refused'>> = {
  triggered: {
    acknowledge: 'acknowledged',
    investigating: 'investigating',
    identified: 'identified',
    mitigating: 'mitigating',
    'status resolved': 'resolved',
    resolve: 'resolved',
    reopen: 'refused',
  },
  acknowledged: {
    acknowledge: 'same',
    investigating: 'investigating',
    identified: 'identified',
    mitigating: 'mitigating',
    'status resolved': 'resolved',
    resolve: 'resolved',
    reopen: 'refused',
  },
  investigating: {
    acknowledge: 'same',
    investigating: 'same',
    identified: 'identified',
    mitigating: 'mitigating',
    'status resolved': 'resolved',
    resolve: 'resolved',
    reopen: 'refused',
  },
  identified: {
    acknowledge: 'same',
    investigating: 'investigating',
    identified: 'same',
    mitigating: 'mitigating',
    'status resolved': 'resolved',
    resolve: 'resolved',
    reopen: 'refused',
  },
  mitigating: {
    acknowledge: 'same',
    investigating: 'investigating', // a failed mitigation goes back to investigating
    identified: 'identified',
    mitigating: 'same',
    'status resolved': 'resolved',
    resolve: 'resolved',
    reopen: 'refused',
  },
  resolved: {
    acknowledge: 'refused',
    investigating: 'refused',
    identified: 'refused',
    mitigating: 'refused',
    'status resolved': 'refused',
    resolve: 'refused',
    reopen: 'triggered',
  },
};

t.test('every status × action', async (t) => {
  t.same(Object.keys(TABLE), [...INCIDENT_STATUSES], 'the table covers every status');
  for (const from of INCIDENT_STATUSES) {
    for (const [name, action] of Object.entries(ACTIONS)) {
      const expected = TABLE[from][name];
      const got = decideTransition(from, action);
      const outcome = !got.ok ? 'refused' : got.changed ? got.to : 'same';
      t.equal(outcome, expected, `${from} + ${name}`);
    }
  }
});

t.test('nothing but a reopen goes back to triggered', async (t) => {
  for (const from of INCIDENT_STATUSES) {
    for (const action of Object.values(ACTIONS)) {
      const got = decideTransition(from, action);
      if (got.ok && got.changed && got.to === 'triggered') t.same([from, action.type], ['resolved', 'reopen']);
    }
  }
});

t.test('a refusal names the current and the requested status', async (t) => {
  t.same(decideTransition('resolved', { type: 'acknowledge' }), {
    ok: false,
    from: 'resolved',
    requested: 'acknowledged',
    reason: 'the incident is resolved: reopen it first',
  });
  t.same(decideTransition('investigating', { type: 'reopen' }), {
    ok: false,
    from: 'investigating',
    requested: 'reopen',
    reason: 'only a resolved incident can be reopened',
  });
});

t.test('the first acknowledgement is recorded once, against the target', async (t) => {
  const opened = new Date('2026-01-01T00:00:00Z');
  const row = { status: 'triggered' as const, opened_at: opened, acknowledged_at: null, severity: 'SEV1' as const, firing_count: 2 };
  const at = (min: number) => new Date(opened.getTime() + min * 60_000);
  const t1 = decideTransition('triggered', { type: 'acknowledge' });
  if (!t1.ok || !t1.changed) throw new Error('expected a change');
  const inTime = planTransition(row, { type: 'acknowledge' }, t1, 'alice', DEFAULT_POLICY, at(4));
  t.same(inTime.set, { status: 'acknowledged', acknowledged_at: at(4) });
  t.same(inTime.events[0]?.data, { message: null, withinTarget: true, secondsToAcknowledge: 240 });
  const late = planTransition(row, { type: 'acknowledge' }, t1, 'alice', DEFAULT_POLICY, at(6));
  t.match(late.events[0]?.data, { withinTarget: false }, 'SEV1 target is 5 minutes');

  // A working status on a triggered incident acknowledges it on the way: two events.
  const t2 = decideTransition('triggered', { type: 'status', status: 'investigating' });
  if (!t2.ok || !t2.changed) throw new Error('expected a change');
  const plan = planTransition(row, { type: 'status', status: 'investigating', message: 'on it' }, t2, 'bob', DEFAULT_POLICY, at(1));
  t.same(
    plan.events.map((e) => e.kind),
    ['acknowledged', 'status_changed'],
  );
  t.same(plan.events[1]?.data, { from: 'acknowledged', to: 'investigating', message: 'on it' });

  // A person's resolve while alerts fire: allowed, recorded, and the alerts end.
  const t3 = decideTransition('mitigating', { type: 'resolve' });
  if (!t3.ok || !t3.changed) throw new Error('expected a change');
  const resolved = planTransition({ ...row, status: 'mitigating' }, { type: 'resolve' }, t3, 'carol', DEFAULT_POLICY, at(30));
  t.same(resolved.events[0]?.data, { cause: 'responder', firingAlerts: 2, message: null });
  t.equal(resolved.resolveFiringAlerts, true);
  t.match(resolved.events[0]?.message, /while 2 alert\(s\) still fired/);
});
