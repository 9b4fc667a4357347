import t from 'tap';
import type { Layer } from '../../src/escalation/oncall.js';
import { firstTimer, nextTimer, type PlanContext, planEscalation, resolveStep } from '../../src/escalation/planner.js';
import type { Policy } from '../../src/escalation/policies.js';

const alice = { id: 'a', name: 'Alice', email: 'alice@example.com', pagerAddress: 'pager-alice' };
const bob = { id: 'b', name: 'Bob', email: 'bob@example.com', pagerAddress: null };
const carol = { id: 'c', name: 'Carol', email: null, pagerAddress: null };
const rotation: Layer = {
  name: 'p',
  users: ['a', 'b'],
  rotation: { unit: 'days', length: 1 },
  handoffTime: '09:00',
  startDate: '2026-01-01',
};
const ctx: PlanContext = {
  users: new Map([alice, bob, carol].map((u) => [u.id, u])),
  schedules: new Map([
    ['oncall', { id: 'oncall', name: 'On-call', timeZone: 'Europe/Berlin', layers: [rotation], overrides: [] }],
    ['empty', { id: 'empty', name: 'Nobody', timeZone: 'UTC', layers: [], overrides: [] }],
  ]),
};

const policy: Policy = {
  id: 'p1',
  name: 'test',
  match: { severities: ['SEV1'], services: [], integrations: [] },
  steps: [
    {
      delaySeconds: 0,
      targets: [
        { type: 'schedule', id: 'oncall' },
        { type: 'chat', channel: '#incidents' },
      ],
    },
    {
      delaySeconds: 300,
      targets: [
        { type: 'user', id: 'b', purpose: 'notify' },
        { type: 'webhook', url: 'http://127.0.0.1/t', secret: 's3' },
      ],
    },
  ],
  repeat: 1,
  repeatDelaySeconds: 600,
  createdAt: new Date(0),
};

t.test('timers: steps after their delays, then a repeat after repeatDelaySeconds, then done', async (t) => {
  const start = new Date('2026-01-05T10:00:00Z');
  const first = firstTimer(policy, start)!;
  t.same(first, { round: 0, step: 0, at: start });
  const second = nextTimer(policy, first, first.at)!;
  t.same(second, { round: 0, step: 1, at: new Date('2026-01-05T10:05:00Z') });
  const again = nextTimer(policy, second, second.at)!;
  t.same(again, { round: 1, step: 0, at: new Date('2026-01-05T10:15:00Z') });
  const last = nextTimer(policy, again, again.at)!;
  t.same(nextTimer(policy, last, last.at), null, 'after its repeats the policy is done');
  t.equal(firstTimer({ ...policy, steps: [] }, start), null, 'a policy without steps fires nothing');
});

t.test('a step resolves schedules to who is on call then, people to their contacts', async (t) => {
  // 2026-01-05 10:00Z is 11:00 in Berlin: day 4 of the rotation → Alice (a, b, a, b, a).
  const step0 = resolveStep(policy, 0, new Date('2026-01-05T10:00:00Z'), ctx);
  t.same(step0[0]!.onCall, ['a']);
  t.same(
    step0[0]!.notifications.map((n) => [n.channel, n.target, n.address, n.purpose]),
    [
      ['pager', 'user:a', 'pager-alice', 'page'],
      ['email', 'user:a', 'alice@example.com', 'page'],
    ],
    'a page goes to pager and email',
  );
  t.same(step0[1]!.notifications, [{ channel: 'chat', target: 'chat:#incidents', address: '#incidents', purpose: 'notify' }]);
  // 08:30Z next day is 09:30 Berlin: Bob.
  t.same(resolveStep(policy, 0, new Date('2026-01-06T08:30:00Z'), ctx)[0]!.onCall, ['b']);
  const step1 = resolveStep(policy, 1, new Date('2026-01-05T10:05:00Z'), ctx);
  t.same(
    step1[0]!.notifications.map((n) => n.channel),
    ['email'],
    'a notify purpose is email only',
  );
  t.same(step1[1]!.notifications[0], {
    channel: 'webhook',
    target: 'webhook:p1/1/1',
    address: 'http://127.0.0.1/t',
    purpose: 'ticket',
    webhookSecret: 's3',
  });
});

t.test('empty targets are recorded with a reason, not errors', async (t) => {
  const p: Policy = {
    ...policy,
    steps: [
      {
        delaySeconds: 0,
        targets: [
          { type: 'schedule', id: 'empty' },
          { type: 'user', id: 'c' },
          { type: 'webhook', url: null },
          { type: 'user', id: 'gone' },
        ],
      },
    ],
  };
  const r = resolveStep(p, 0, new Date(), ctx);
  t.same(
    r.map((x) => x.empty),
    ['nobody is on call in "Nobody"', 'Carol has no email or pager address', 'the webhook has no URL yet', 'user gone no longer exists'],
  );
  t.ok(r.every((x) => x.notifications.length === 0));
});

t.test('one person named twice in a step is notified once per channel', async (t) => {
  const p: Policy = {
    ...policy,
    steps: [
      {
        delaySeconds: 0,
        targets: [
          { type: 'user', id: 'a' },
          { type: 'schedule', id: 'oncall' },
        ],
      },
    ],
  };
  const r = resolveStep(p, 0, new Date('2026-01-05T10:00:00Z'), ctx);
  t.equal(r[0]!.notifications.length, 2);
  t.equal(r[1]!.notifications.length, 0, 'the on-call (Alice again) was already reached by the first target');
});

t.test('the plan lists every step with its time and resolves on-call at that time', async (t) => {
  // 07:58Z on 2026-01-06 is 08:58 in Berlin, before that day's hand-off to Bob: still Alice (a b a b a b …).
  const plan = planEscalation({ ...policy, repeatDelaySeconds: 86400 }, new Date('2026-01-06T07:58:00Z'), ctx);
  t.same(
    plan.steps.map((s) => [s.round, s.step, s.at.toISOString(), s.targets[0]!.onCall ?? null]),
    [
      [0, 0, '2026-01-06T07:58:00.000Z', ['a']],
      [0, 1, '2026-01-06T08:03:00.000Z', null],
      [1, 0, '2026-01-07T08:03:00.000Z', ['a']],
      [1, 1, '2026-01-07T08:08:00.000Z', null],
    ],
  );
  t.equal(plan.truncated, false);
  const long = planEscalation({ ...policy, repeat: 1000 }, new Date(), ctx, 10);
  t.equal(long.steps.length, 10);
  t.equal(long.truncated, true);
});
