import t from 'tap';
import { type AlertState, decideAlert, decideSettle, isStaleResolve, type SettleInput } from '../../src/incidents/decide.js';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 10, minute));
const now = at(30);

function row(over: Partial<AlertState> = {}): AlertState {
  return { status: 'firing', incident_id: 'inc-1', starts_at: at(0), ends_at: null, fired_at: at(1), ...over };
}
const firing = (startsAt: Date | null = at(0)) => ({ status: 'firing' as const, startsAt, endsAt: null });
const resolved = (endsAt: Date | null) => ({ status: 'resolved' as const, startsAt: null, endsAt });

t.test('firing alerts', async (t) => {
  t.same(decideAlert(undefined, firing(), null, now), { kind: 'fire' }, 'first sighting fires');
  t.same(decideAlert(row(), firing(), 'inc-1', now), { kind: 'repeat' }, 'already in its open incident');
  t.same(decideAlert(row(), firing(), null, now), { kind: 'fire' }, 'its incident is no longer open');
  t.same(decideAlert(row(), firing(), 'inc-2', now), { kind: 'fire' }, 'the group has another open incident');
  t.same(decideAlert(row({ status: 'suppressed', incident_id: null }), firing(), null, now), { kind: 'fire' });
  const ended = row({ status: 'resolved', ends_at: at(10), fired_at: null });
  t.same(decideAlert(ended, firing(at(5)), null, now), { kind: 'stale-firing' }, 'started before the recorded end');
  t.same(decideAlert(ended, firing(at(10)), null, now), { kind: 'stale-firing' }, 'started exactly at the recorded end');
  t.same(decideAlert(ended, firing(at(11)), null, now), { kind: 'fire' }, 'a re-fire');
  t.same(decideAlert(ended, firing(null), null, now), { kind: 'fire' }, 'no start reported: a re-fire');
});

t.test('resolves', async (t) => {
  t.same(decideAlert(undefined, resolved(at(10)), null, now), { kind: 'record-resolved', repeat: false }, 'unknown alert');
  t.same(decideAlert(row({ status: 'resolved' }), resolved(at(10)), null, now), { kind: 'record-resolved', repeat: true });
  t.same(decideAlert(row({ status: 'suppressed', incident_id: null }), resolved(at(10)), null, now), {
    kind: 'record-resolved',
    repeat: false,
  });
  t.same(decideAlert(row(), resolved(at(10)), 'inc-1', now), { kind: 'resolve' });
  t.same(
    decideAlert(row({ starts_at: at(20) }), resolved(at(10)), 'inc-1', now),
    { kind: 'stale-resolve' },
    'ended before the current firing began',
  );
  t.same(decideAlert(row({ starts_at: at(10) }), resolved(at(10)), 'inc-1', now), { kind: 'stale-resolve' }, 'an end not after the start');
});

t.test('stale resolves: reported times when both are known, else arrival order', async (t) => {
  // Both times reported by the sender: compared with each other.
  t.equal(isStaleResolve(row({ starts_at: at(20), fired_at: at(0) }), resolved(at(25)), now), false);
  t.equal(isStaleResolve(row({ starts_at: at(20), fired_at: at(29) }), resolved(at(15)), now), true, 'arrival is not consulted');
  // The end is the receive time (not reported): arrival order against the firing's arrival.
  t.equal(isStaleResolve(row({ starts_at: at(20), fired_at: at(29) }), resolved(now), now), false);
  t.equal(isStaleResolve(row({ starts_at: null, fired_at: at(31) }), resolved(now), now), true, 'arrived before the firing it would end');
  t.equal(isStaleResolve(row({ starts_at: null, fired_at: now }), resolved(now), now), false, 'same instant: the resolve applies');
  // The firing's start was not reported: the sender's end is not compared with Klaxon's clock.
  t.equal(isStaleResolve(row({ starts_at: null, fired_at: at(29) }), resolved(at(28)), now), false);
  t.equal(isStaleResolve(row({ starts_at: null, fired_at: null }), resolved(at(1)), now), false, 'rows from before fired_at existed');
  // A start far in the future (a wrong clock, year 9999) is not trusted: arrival order decides.
  const future = new Date(Date.UTC(9999, 11, 31));
  t.equal(isStaleResolve(row({ starts_at: future, fired_at: at(1) }), resolved(at(28)), now), false, 'a real resolve still applies');
  t.equal(isStaleResolve(row({ starts_at: at(34), fired_at: at(1) }), resolved(at(33)), now), true, 'within the skew: trusted');
});

function settle(over: Partial<SettleInput> = {}, incident: Partial<SettleInput['incident']> = {}): SettleInput {
  return {
    incident: {
      status: 'triggered',
      severity: 'SEV3',
      severity_reason: 'default',
      severity_overridden: false,
      firing_count: 1,
      truncated_alerts: 0,
      ...incident,
    },
    total: 1,
    firing: 1,
    top: { severity: 'SEV3', reason: 'default' },
    truncated: 0,
    promoteAfterAlerts: null,
    ...over,
  };
}

t.test('settling an incident', async (t) => {
  t.same(decideSettle(settle()), {
    severity: { severity: 'SEV3', reason: 'default' },
    severityChanged: false,
    resolve: false,
    announceDeferral: false,
  });
  t.same(decideSettle(settle({ firing: 0 })).resolve, true, 'nothing fires: resolve');
  t.same(decideSettle(settle({ firing: 0 }, { status: 'resolved' })).resolve, false, 'already resolved');
  const truncated = decideSettle(settle({ firing: 0, truncated: 3 }));
  t.same([truncated.resolve, truncated.announceDeferral], [false, true], 'never resolve while the sender truncates');
  const again = decideSettle(settle({ firing: 0, truncated: 3 }, { firing_count: 0, truncated_alerts: 3 }));
  t.same([again.resolve, again.announceDeferral], [false, false], 'the deferral is announced once');
  const raised = decideSettle(settle({ top: { severity: 'SEV1', reason: 'rule' } }));
  t.same([raised.severity.severity, raised.severityChanged], ['SEV1', true]);
  const lowered = decideSettle(settle({ top: { severity: 'SEV4', reason: 'info' } }));
  t.same([lowered.severity.severity, lowered.severityChanged], ['SEV3', false], 'never lowered');
  const overridden = decideSettle(settle({ top: { severity: 'SEV1', reason: 'rule' } }, { severity_overridden: true }));
  t.equal(overridden.severity.severity, 'SEV3', 'an override wins');
  t.equal(decideSettle(settle({ top: undefined })).severity.severity, 'SEV3', 'no alerts: severity kept');
});
