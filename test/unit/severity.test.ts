import t from 'tap';
import type { SeverityRuleRow } from '../../src/db/schema.js';
import {
  alertSeverity,
  compileRules,
  type IncidentSeverityInput,
  incidentSeverity,
  moreSevere,
  promote,
} from '../../src/incidents/severity.js';
import type { NormalizedAlert, Severity, SeverityDecision } from '../../src/ingest/types.js';

const alert = (
  labels: Record<string, string>,
  severity: SeverityDecision = { severity: 'SEV3', reason: 'adapter default' },
): NormalizedAlert => ({
  identity: 'id',
  groupKey: 'g',
  status: 'firing',
  title: 'title',
  labels,
  annotations: {},
  startsAt: null,
  endsAt: null,
  severity,
});
// Spelled out rather than imported, so the test does not share the order it checks.
const SEVERITIES: Severity[] = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];
const m = (name: string, value: string, isRegex = false, isEqual = true) => ({ name, value, isRegex, isEqual });
const decision = (severity: Severity, reason = `because ${severity}`): SeverityDecision => ({ severity, reason });

t.test('moreSevere: SEV1 is the most severe; a severity is not more severe than itself', async (t) => {
  for (const a of SEVERITIES) {
    t.strictSame(
      SEVERITIES.map((b) => moreSevere(a, b)),
      SEVERITIES.map((b) => SEVERITIES.indexOf(a) < SEVERITIES.indexOf(b)),
      a,
    );
  }
  t.equal(moreSevere('SEV1', 'SEV4'), true);
  t.equal(moreSevere('SEV4', 'SEV1'), false);
  t.equal(moreSevere('SEV2', 'SEV2'), false);
});

t.test('promote: one level more severe; SEV1 stays SEV1', async (t) => {
  t.strictSame(SEVERITIES.map(promote), ['SEV1', 'SEV1', 'SEV2', 'SEV3']);
});

t.test('alertSeverity: the adapter default when no rule matches', async (t) => {
  const a = alert({ service: 'web' }, decision('SEV2', 'label severity=critical'));
  t.strictSame(alertSeverity(a, []), { severity: 'SEV2', reason: 'label severity=critical' });
  const rules = compileRules([{ name: 'db', matchers: [m('service', 'db')], severity: 'SEV1' }]);
  t.strictSame(alertSeverity(a, rules), { severity: 'SEV2', reason: 'label severity=critical' });
});

t.test('alertSeverity: rules come first, more or less severe than the default, and the first match wins', async (t) => {
  const rows: SeverityRuleRow[] = [
    { name: 'payments', matchers: [m('service', 'pay.*', true)], severity: 'SEV1' },
    { matchers: [m('team', 'batch')], severity: 'SEV4' },
    { name: 'any payments', matchers: [m('service', 'payments')], severity: 'SEV3' },
    { name: 'not prod', matchers: [m('env', 'prod', false, false), m('team', 'web')], severity: 'SEV4' },
  ];
  const rules = compileRules(rows);
  const cases: [Record<string, string>, SeverityDecision][] = [
    [
      { service: 'payments', team: 'batch' },
      { severity: 'SEV1', reason: 'rule "payments" matched → SEV1' },
    ],
    [
      { service: 'web', team: 'batch' },
      { severity: 'SEV4', reason: 'rule #2 matched → SEV4' },
    ],
    [{ service: 'xpayments' }, { severity: 'SEV3', reason: 'adapter default' }],
    [{ team: 'web' }, { severity: 'SEV4', reason: 'rule "not prod" matched → SEV4' }],
    [
      { team: 'web', env: 'prod' },
      { severity: 'SEV3', reason: 'adapter default' },
    ],
  ];
  t.strictSame(
    cases.map(([labels]) => alertSeverity(alert(labels, decision('SEV3', 'adapter default')), rules)),
    cases.map(([, expected]) => expected),
  );
  t.strictSame(
    alertSeverity(alert({ team: 'batch' }, decision('SEV1', 'critical')), rules),
    { severity: 'SEV4', reason: 'rule #2 matched → SEV4' },
    'a rule may also lower the adapter default',
  );
});

t.test('compileRules: a stored rule that RE2 cannot compile is skipped, the others keep their numbers', async (t) => {
  const rules = compileRules([
    { matchers: [m('char', '\\u00e9', true)], severity: 'SEV1' },
    { matchers: [m('team', 'db')], severity: 'SEV2' },
  ]);
  t.strictSame(
    rules.map((r) => [r.label, r.severity]),
    [['rule #2', 'SEV2']],
  );
  t.strictSame(alertSeverity(alert({ char: 'é', team: 'db' }), rules), { severity: 'SEV2', reason: 'rule #2 matched → SEV2' });
  t.strictSame(alertSeverity(alert({ char: 'é' }), rules), { severity: 'SEV3', reason: 'adapter default' });
});

t.test('alertSeverity: a pathological rule regex on a long label is still quick', async (t) => {
  const rules = compileRules([{ name: 'ambiguous', matchers: [m('host', '(a|aa)*b', true)], severity: 'SEV1' }]);
  const start = performance.now();
  const hit = alertSeverity(alert({ host: `${'a'.repeat(10_000)}b` }), rules);
  const miss = alertSeverity(alert({ host: 'a'.repeat(10_000) }), rules);
  const ms = performance.now() - start;
  t.strictSame(hit, { severity: 'SEV1', reason: 'rule "ambiguous" matched → SEV1' });
  t.strictSame(miss, { severity: 'SEV3', reason: 'adapter default' });
  t.ok(ms < 1000, `${ms.toFixed(1)} ms`);
});

t.test('incidentSeverity', async (t) => {
  const input = (over: Partial<IncidentSeverityInput>): IncidentSeverityInput => ({
    current: decision('SEV3', 'opened as SEV3'),
    overridden: false,
    highestAlert: decision('SEV3', 'alert A'),
    distinctAlerts: 1,
    promoteAfterAlerts: null,
    ...over,
  });

  t.test('the highest alert raises it', async (t) => {
    t.strictSame(incidentSeverity(input({ highestAlert: decision('SEV2', 'alert B') })), { severity: 'SEV2', reason: 'alert B' });
    t.strictSame(incidentSeverity(input({ highestAlert: decision('SEV1', 'alert C') })), { severity: 'SEV1', reason: 'alert C' });
  });

  t.test('never lowered; an equal severity keeps the current reason', async (t) => {
    t.strictSame(incidentSeverity(input({ highestAlert: decision('SEV4', 'alert D') })), { severity: 'SEV3', reason: 'opened as SEV3' });
    t.strictSame(incidentSeverity(input({ highestAlert: decision('SEV3', 'alert E') })), { severity: 'SEV3', reason: 'opened as SEV3' });
  });

  t.test('promotion by promoteAfterAlerts: one level, at the threshold, not below it', async (t) => {
    const base = { current: decision('SEV4', 'opened'), highestAlert: decision('SEV3', 'alert B'), promoteAfterAlerts: 3 };
    t.strictSame(incidentSeverity(input({ ...base, distinctAlerts: 2 })), { severity: 'SEV3', reason: 'alert B' }, 'below the threshold');
    t.strictSame(incidentSeverity(input({ ...base, distinctAlerts: 3 })), {
      severity: 'SEV2',
      reason: 'promoted SEV3 → SEV2: spans 3 alerts (threshold 3); alert B',
    });
    t.strictSame(
      incidentSeverity(input({ ...base, distinctAlerts: 50 })),
      {
        severity: 'SEV2',
        reason: 'promoted SEV3 → SEV2: spans 50 alerts (threshold 3); alert B',
      },
      'only one level however many alerts',
    );
    t.strictSame(
      incidentSeverity(input({ ...base, distinctAlerts: 50, promoteAfterAlerts: null })),
      { severity: 'SEV3', reason: 'alert B' },
      'no threshold, no promotion',
    );
    t.strictSame(
      incidentSeverity(
        input({
          current: decision('SEV2', 'was SEV2'),
          highestAlert: decision('SEV1', 'alert P'),
          distinctAlerts: 9,
          promoteAfterAlerts: 2,
        }),
      ),
      { severity: 'SEV1', reason: 'alert P' },
      'SEV1 is not promoted further',
    );
    t.strictSame(
      incidentSeverity(
        input({
          current: decision('SEV1', 'manual once'),
          highestAlert: decision('SEV3', 'alert B'),
          distinctAlerts: 9,
          promoteAfterAlerts: 2,
        }),
      ),
      { severity: 'SEV1', reason: 'manual once' },
      'a promoted candidate still never lowers',
    );
    t.strictSame(
      incidentSeverity(
        input({
          current: decision('SEV2', 'was SEV2'),
          highestAlert: decision('SEV3', 'alert B'),
          distinctAlerts: 2,
          promoteAfterAlerts: 2,
        }),
      ),
      { severity: 'SEV2', reason: 'was SEV2' },
      'a promotion to the current severity keeps the current reason',
    );
  });

  t.test('a manual override always wins', async (t) => {
    const current = decision('SEV4', 'set by alice');
    t.strictSame(incidentSeverity(input({ current, overridden: true, highestAlert: decision('SEV1', 'alert Z') })), current);
    t.strictSame(
      incidentSeverity(
        input({ current, overridden: true, highestAlert: decision('SEV2', 'alert Z'), distinctAlerts: 10, promoteAfterAlerts: 2 }),
      ),
      current,
    );
    t.strictSame(
      incidentSeverity(input({ current: decision('SEV1', 'set by bob'), overridden: true, highestAlert: decision('SEV4', 'alert Y') })),
      decision('SEV1', 'set by bob'),
    );
  });
});
