/**
 * The open path's pure decisions (src/incidents/opens.ts): which deliveries it may take, and what
 * a batch opens, without PostgreSQL. test/webhooks/open-path.test.ts checks the rows it writes
 * against the full path's.
 */
import t from 'tap';
import type { Policy } from '../../src/escalation/policies.js';
import type { IngestIntegration } from '../../src/incidents/engine.js';
import type { PreparedAlert } from '../../src/incidents/incident-store.js';
import { type Gathered, mayOpen, type OpenDelivery, planOpens } from '../../src/incidents/opens.js';
import { DEFAULT_POLICY } from '../../src/incidents/policy.js';
import type { KnownAlert } from '../../src/incidents/repeats.js';
import { compileSilences } from '../../src/incidents/silences.js';
import { prepared } from '../support/prepared.js';

const NOW = new Date('2026-11-23T05:00:00.000Z');
const integration = (id: string, over: Partial<IngestIntegration> = {}): IngestIntegration => ({
  id,
  name: `am-${id}`,
  service: null,
  groupingLabels: [],
  rules: [],
  promoteAfterAlerts: null,
  reopenWindowSeconds: 3600,
  format: 'auto',
  updatedAt: NOW,
  ...over,
});
const delivery = (alerts: PreparedAlert[], on = integration('i1')): OpenDelivery => ({
  input: { integration: on, source: 'alertmanager', rawBody: '{}', now: NOW, bodyMax: 1000, policy: DEFAULT_POLICY },
  keyHash: 'k',
  alerts,
  truncatedAlerts: 0,
});
const policy: Policy = {
  id: 'p1',
  name: 'Everything',
  match: { severities: [], services: [], integrations: [] },
  steps: [{ delaySeconds: 0, targets: [{ type: 'chat', channel: '#incidents', purpose: 'notify' }] }],
  repeat: 0,
  repeatDelaySeconds: 0,
  createdAt: NOW,
} as unknown as Policy;
const all = (n: number): Gathered => ({
  authorized: new Set(Array.from({ length: n }, (_, i) => i)),
  blocked: new Set(),
  silences: [],
  policies: [policy],
});
let seq = 0;
const newId = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

t.test('mayOpen: only new firing alerts with their details', async (t) => {
  const known: KnownAlert = { incidentId: 'x', incidentNumber: 1, severity: 'SEV3', groupKey: 'g' };
  const none = () => undefined;
  t.ok(mayOpen([prepared('a'), prepared('b')], none));
  t.notOk(mayOpen([], none), 'nothing to open');
  t.notOk(mayOpen([prepared('a'), prepared('b', { status: 'resolved' })], none), 'a resolve');
  t.notOk(mayOpen([prepared('a', { detailsOmitted: true })], none), 'details omitted');
  t.notOk(
    mayOpen([prepared('a'), prepared('b')], (id) => (id === 'b' ? known : undefined)),
    'an alert this process saw firing',
  );
});

t.test('planOpens: one incident per group, in sorted group order; the answer in the sender order', async (t) => {
  const d = delivery([prepared('w1', { groupKey: 'web' }), prepared('d1', { groupKey: 'db' }), prepared('w2', { groupKey: 'web' })]);
  const plan = planOpens([d], all(1), newId);
  t.same(
    plan.incidents.map((i) => [i.group_key, i.title, i.alert_count]),
    [
      ['db', 'title d1', 1],
      ['web', 'title w1', 2],
    ],
  );
  const [db, web] = plan.incidents.map((i) => i.id);
  t.same(plan.answers.get(0), [
    { identity: 'w1', incidentId: web, incidentNumber: null, outcome: 'created' },
    { identity: 'd1', incidentId: db, incidentNumber: null, outcome: 'created' },
    { identity: 'w2', incidentId: web, incidentNumber: null, outcome: 'updated' },
  ]);
  t.same(
    plan.events.map((e) => [e.incident_id, e.kind, e.actor_type]),
    [
      [db, 'created', 'integration'],
      [db, 'escalation_started', 'klaxon'],
      [web, 'created', 'integration'],
      [web, 'alert_fired', 'integration'],
      [web, 'escalation_started', 'klaxon'],
    ],
  );
  t.equal(plan.events[3]!.message, 'Alert joined: title w2');
  t.equal(plan.escalations.length, 2);
  t.same(
    plan.jobs.map((j) => j.task),
    ['escalation_step', 'escalation_reminder', 'escalation_step', 'escalation_reminder'],
  );
});

t.test('planOpens: the incident takes its most severe alert, and promotion, as settle decides', async (t) => {
  const on = integration('i1', { promoteAfterAlerts: 3 });
  const sev = (severity: 'SEV1' | 'SEV2' | 'SEV3', reason: string) => ({ decided: { severity, reason } });
  const raised = planOpens(
    [delivery([prepared('a', sev('SEV3', 'r3')), prepared('b', sev('SEV2', 'r2')), prepared('c', sev('SEV2', 'r2 again'))], on)],
    all(1),
    newId,
  );
  t.match(raised.incidents[0], { severity: 'SEV1', title: 'title a' }, 'three alerts promote SEV2 → SEV1');
  const two = planOpens([delivery([prepared('a', sev('SEV3', 'r3')), prepared('b', sev('SEV2', 'r2'))], on)], all(1), newId);
  t.match(two.incidents[0], { severity: 'SEV2', severity_reason: 'r2' }, 'the first most severe alert decides');
});

t.test('planOpens: what the database or the batch rules out is left to the full path', async (t) => {
  const other = integration('i2');
  const batch = [
    delivery([prepared('a', { groupKey: 'g1' })]), // 0: opened
    delivery([prepared('b', { groupKey: 'g2' })]), // 1: key no longer holds
    delivery([prepared('c', { groupKey: 'g3' })]), // 2: the database has its alert or group
    delivery([prepared('d', { groupKey: 'g1' })]), // 3: group g1 claimed by delivery 0
    delivery([prepared('a', { groupKey: 'g4' })]), // 4: alert a claimed by delivery 0
    delivery([prepared('q', { groupKey: 'g5', labels: { alertname: 'Quiet' } })]), // 5: silenced
    delivery([prepared('a', { groupKey: 'g1' })], other), // 6: the same names on another integration: opened
  ];
  const gathered = all(batch.length);
  gathered.authorized.delete(1);
  gathered.blocked.add(2);
  gathered.silences = compileSilences([
    { id: 's1', matchers: [{ name: 'alertname', value: 'Quiet', isRegex: false, isEqual: true }], ends_at: NOW },
  ]);
  const plan = planOpens(batch, gathered, newId);
  t.same([...plan.answers.keys()], [0, 6]);
  t.equal(plan.incidents.length, 2);
  t.equal(plan.alerts.length, 2);
});
