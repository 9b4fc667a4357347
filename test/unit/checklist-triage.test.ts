/** The self-ticking checklist, the ack deadline and the rollback hint: pure functions of an incident. */
import t from 'tap';
import { computeChecklist } from '../../src/incidents/checklist.js';
import { ackMet, DEFAULT_POLICY, parseAckTargets } from '../../src/incidents/policy.js';
import { deployHints } from '../../src/incidents/triage.js';

const opened = new Date('2026-03-01T10:00:00Z');
const min = (m: number) => new Date(opened.getTime() + m * 60_000);
const base = {
  status: 'triggered' as const,
  declared: false,
  severity: 'SEV2' as const,
  severity_overridden: false,
  acknowledged_at: null as Date | null,
  opened_at: opened,
  resolved_at: null as Date | null,
  impact: null as string | null,
  roles: {},
  checklist: {},
  public_update_at: null as Date | null,
  all_clear_at: null as Date | null,
  postmortem_at: null as Date | null,
  action_items_at: null as Date | null,
};
const done = (items: ReturnType<typeof computeChecklist>) => items.filter((i) => i.done).map((i) => `${i.id}:${i.source}`);

t.test('observable items tick themselves', async (t) => {
  const policy = DEFAULT_POLICY;
  t.same(done(computeChecklist({ incident: base, firingAlerts: 1, policy, now: min(1) })), [], 'nothing at first');
  const worked = {
    ...base,
    status: 'resolved' as const,
    acknowledged_at: min(10), // SEV2: 15 min target
    resolved_at: min(50),
    impact: 'checkout failing for 30% of users',
    roles: { commander: { name: 'alice', apiKeyId: null, since: min(2).toISOString() } },
  };
  t.same(done(computeChecklist({ incident: worked, firingAlerts: 0, policy, now: min(60) })), [
    'severity-assessed:observed',
    'acknowledged-within-target:observed',
    'commander-assigned:observed',
    'impact-assessed:observed',
    'resolution-verified:observed',
  ]);
  t.same(
    done(
      computeChecklist({
        incident: { ...worked, public_update_at: min(20), all_clear_at: min(55) },
        firingAlerts: 0,
        policy,
        now: min(60),
      }),
    ),
    [
      'severity-assessed:observed',
      'acknowledged-within-target:observed',
      'commander-assigned:observed',
      'status-page-updated:observed',
      'impact-assessed:observed',
      'resolution-verified:observed',
      'all-clear-communicated:observed',
    ],
    'a public update ticks "status page updated"; an update saying resolved ticks "all-clear communicated"',
  );
  const late = { ...worked, acknowledged_at: min(16) };
  t.notOk(
    computeChecklist({ incident: late, firingAlerts: 0, policy, now: min(60) }).find((i) => i.id === 'acknowledged-within-target')?.done,
    'acknowledged after the SEV2 target of 15 min',
  );
  t.notOk(
    computeChecklist({ incident: worked, firingAlerts: 1, policy, now: min(60) }).find((i) => i.id === 'resolution-verified')?.done,
    'not verified while an alert still fires',
  );
});

t.test('responders tick the rest; an observed item stays observed', async (t) => {
  const ticked = {
    ...base,
    impact: 'x',
    checklist: {
      'channels-created': { done: true, at: min(3).toISOString(), by: 'bob (responder)' },
      'impact-assessed': { done: false, at: min(4).toISOString(), by: 'bob (responder)' },
      'runbooks-updated': { done: false, at: min(4).toISOString(), by: 'bob (responder)' },
    },
  };
  const items = computeChecklist({ incident: ticked, firingAlerts: 1, policy: DEFAULT_POLICY, now: min(5) });
  t.same(done(items), ['channels-created:responder', 'impact-assessed:observed']);
  t.match(
    items.find((i) => i.id === 'channels-created'),
    { by: 'bob (responder)', at: min(3).toISOString(), phase: 'during' },
  );
  t.equal(items.length, 16, "the seeds' 11 during and 5 after items");
});

t.test('ack targets: configurable, met or missed or not yet known', async (t) => {
  t.same(parseAckTargets('SEV1=2m,SEV4=1h'), { SEV1: 120, SEV2: 900, SEV3: 3600, SEV4: 3600 });
  t.same(parseAckTargets('SEV3=30s'), { SEV1: 300, SEV2: 900, SEV3: 30, SEV4: 14400 });
  t.equal(ackMet(opened, null, 'SEV1', DEFAULT_POLICY, min(4)), null, 'inside the target, unacknowledged');
  t.equal(ackMet(opened, null, 'SEV1', DEFAULT_POLICY, min(6)), false);
  t.equal(ackMet(opened, min(5), 'SEV1', DEFAULT_POLICY, min(6)), true, 'at the deadline counts');
  t.equal(ackMet(opened, min(61), 'SEV3', DEFAULT_POLICY, min(70)), false);
});

t.test('a deploy shortly before the incident opened is a rollback hint', async (t) => {
  const change = (kind: 'deploy' | 'config', minutesBefore: number, summary = 'v2.3.1') => ({
    kind,
    service: 'checkout',
    summary,
    at: min(-minutesBefore),
  });
  t.same(deployHints([change('deploy', 4)], opened, DEFAULT_POLICY), [
    'deploy "v2.3.1" to checkout 4 min before this incident opened: consider a rollback',
  ]);
  t.same(deployHints([change('deploy', 31), change('config', 2)], opened, DEFAULT_POLICY), [], 'too early, or not a deploy');
  t.same(deployHints([change('deploy', 30)], opened, DEFAULT_POLICY).length, 1, 'the window is inclusive');
  t.same(deployHints([{ ...change('deploy', 0), at: min(1) }], opened, DEFAULT_POLICY), [], 'after it opened');
  t.same(deployHints([change('deploy', 40)], opened, { ...DEFAULT_POLICY, deployHintMinutes: 60 }).length, 1, 'configurable');
});
