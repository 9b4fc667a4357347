import t from 'tap';
import { decideStep, type EscalationState } from '../../src/escalation/decide-step.js';
import type { Policy } from '../../src/escalation/policies.js';

const policy: Policy = {
  id: 'p',
  name: 'p',
  match: { severities: [], services: [], integrations: [] },
  steps: [
    { delaySeconds: 0, targets: [{ type: 'chat', channel: '#x' }] },
    { delaySeconds: 60, targets: [{ type: 'chat', channel: '#y' }] },
  ],
  repeat: 1,
  repeatDelaySeconds: 600,
  createdAt: new Date(0),
};
const now = new Date('2026-01-01T00:00:00Z');
const state = (s: Partial<EscalationState> = {}): EscalationState => ({ policyId: 'p', cycle: 3, round: 0, step: 0, stopped: false, ...s });
const job = { incidentId: 'i', cycle: 3, step: 0 };

t.test('fires the pending step and arms the next', async (t) => {
  t.same(decideStep(job, state(), 'triggered', policy, now), {
    kind: 'fire',
    position: { round: 0, step: 0 },
    cycle: 3,
    next: { round: 0, step: 1, at: new Date('2026-01-01T00:01:00Z'), cycle: 3 },
  });
});

t.test('after the last step a repeat starts in a new cycle, and after the last repeat nothing', async (t) => {
  const d = decideStep({ ...job, step: 1 }, state({ step: 1 }), 'triggered', policy, now);
  t.same(d.kind === 'fire' && d.next, { round: 1, step: 0, at: new Date('2026-01-01T00:10:00Z'), cycle: 4 });
  const last = decideStep({ ...job, step: 1 }, state({ step: 1, round: 1 }), 'triggered', policy, now);
  t.same(last.kind === 'fire' && last.next, null);
});

t.test('stale jobs, acknowledgements, resolutions and deleted policies', async (t) => {
  t.same(decideStep({ ...job, cycle: 2 }, state(), 'triggered', policy, now), { kind: 'stale' }, 'an older cycle');
  t.same(decideStep({ ...job, step: 1 }, state(), 'triggered', policy, now), { kind: 'stale' }, 'another step');
  t.same(decideStep(job, state({ stopped: true }), 'triggered', policy, now), { kind: 'stale' }, 'stopped');
  t.same(decideStep(job, undefined, 'triggered', policy, now), { kind: 'stale' }, 'no escalation');
  t.same(decideStep(job, state(), 'acknowledged', policy, now), { kind: 'stop', reason: 'acknowledged' });
  t.same(decideStep(job, state(), 'mitigating', policy, now), { kind: 'stop', reason: 'acknowledged' }, 'any status past triggered');
  t.same(decideStep(job, state(), 'resolved', policy, now), { kind: 'stop', reason: 'resolved' });
  t.same(decideStep(job, state(), 'triggered', undefined, now), { kind: 'stop', reason: 'policy_deleted' });
});

t.test('a policy edited to fewer steps skips to what follows', async (t) => {
  const d = decideStep({ ...job, step: 5 }, state({ step: 5 }), 'triggered', policy, now);
  t.same(d, { kind: 'skip', next: { round: 1, step: 0, at: new Date('2026-01-01T00:10:00Z'), cycle: 4 } });
});
