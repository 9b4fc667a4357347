import { readFileSync } from 'node:fs';
import t from 'tap';
import { adaptDatadog, normalizeScope, transitionStatus } from '../../src/ingest/datadog.js';
import { type AdapterContext, type NormalizedAlert, PayloadError } from '../../src/ingest/types.js';

const load = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/ingest/datadog/${name}`, import.meta.url), 'utf8'));
const receivedAt = new Date('2026-11-22T10:50:00Z');
const ctx: AdapterContext = { receivedAt, rawBody: '' };

function one(body: unknown): NormalizedAlert {
  const res = adaptDatadog(body, ctx);
  if (res.alerts.length !== 1 || !res.alerts[0]) throw new Error(`expected one alert, got ${res.alerts.length}`);
  return res.alerts[0];
}

function issuesOf(body: unknown): Array<{ path: string; message: string }> {
  try {
    adaptDatadog(body, ctx);
  } catch (err) {
    if (err instanceof PayloadError) return err.issues;
    throw err;
  }
  throw new Error('expected a PayloadError');
}

const MULTI = 'monitor:170773010|scope:env:prod,host:web-1';

t.test('default payload: triggered multi-alert with [P2] prefix', async (t) => {
  const a = one(load('default-triggered.json'));
  t.equal(a.identity, MULTI, 'monitor id and group from the Monitor Status link, not the decoy /monitors/999');
  t.equal(a.groupKey, 'monitor:170773010');
  t.equal(a.status, 'firing');
  t.equal(a.title, 'High CPU on web hosts');
  t.same(a.severity, { severity: 'SEV2', reason: 'datadog title priority [P2] → SEV2' });
  t.match(a.labels, { env: 'prod', host: 'web-1', monitor_id: '170773010', transition: 'Triggered', priority: 'P2' });
  t.equal(a.startsAt?.toISOString(), '2026-11-22T10:30:00.000Z');
  t.equal(a.endsAt, null);
  t.match(a.url, /^https:\/\/app\.datadoghq\.com\/monitors\/170773010\?group=/);
  t.equal(a.annotations['event_id'], '8082436309665268856');
  t.equal(a.annotations['org_name'], 'Example Org');
  t.match(a.annotations['message'], /CPU is high on web hosts/);
});

t.test('default payload: recovered resolves the same identity', async (t) => {
  const fired = one(load('default-triggered.json'));
  const a = one(load('default-recovered.json'));
  t.equal(a.identity, fired.identity, 'new $ID and new title, same identity');
  t.equal(a.status, 'resolved');
  t.equal(a.startsAt, null);
  t.equal(a.endsAt?.toISOString(), '2026-11-22T10:42:00.000Z');
  t.equal(a.labels['transition'], 'Recovered');
});

t.test('default payload: simple monitor, old #id links, [P3] prefix', async (t) => {
  const a = one(load('default-simple-p3.json'));
  t.equal(a.identity, 'monitor:8755429|scope:');
  t.equal(a.title, 'Checkout p99 latency');
  t.same(a.severity, { severity: 'SEV3', reason: 'datadog title priority [P3] → SEV3' });
  t.equal(a.url, 'https://app.datadoghq.com/monitors#8755429?');
});

t.test('default payload: Datadog test notification opens nothing', async (t) => {
  const res = adaptDatadog(load('default-test-notification.json'), ctx);
  t.same(res.alerts, []);
  t.match(res.note, /test notification/);
});

t.test('default payload without a monitor link → PayloadError, never a guess', async (t) => {
  const issues = issuesOf(load('default-no-monitor-link.json'));
  t.equal(issues.length, 1);
  t.equal(issues[0]?.path, '/alert_id');
  t.match(issues[0]?.message, /no monitor id/);
});

t.test('rich template: triggered', async (t) => {
  const a = one(load('rich-triggered.json'));
  t.equal(a.identity, MULTI, '"host:web-1, env:prod" normalized: same identity as the default payload');
  t.equal(a.status, 'firing');
  t.equal(a.title, 'High CPU on web hosts');
  t.same(a.severity, { severity: 'SEV2', reason: 'datadog alert_priority "P2" → SEV2' });
  t.same(a.labels, {
    env: 'prod',
    host: 'web-1',
    monitor: '',
    service: 'web',
    team: 'sre',
    'security-group': 'sg-1,sg-2',
    monitor_id: '170773010',
    transition: 'Triggered',
    priority: 'P2',
  });
  t.equal(a.service, 'web');
  t.equal(a.annotations['cycle_key'], '6f2a1c0e3b');
  t.equal(a.annotations['alert_query'], 'avg(last_5m):avg:system.cpu.user{*} by {host,env} > 90');
  t.equal(a.annotations['hostname'], 'web-1');
});

t.test('rich template: every documented transition', async (t) => {
  const base = load('rich-triggered.json');
  const cases: Array<[string, string]> = [
    ['Triggered', 'firing'],
    ['Re-Triggered', 'firing'],
    ['Warn', 'firing'],
    ['Re-Warn', 'firing'],
    ['No Data', 'firing'],
    ['Re-No Data', 'firing'],
    ['Renotify', 'firing'],
    ['Recovered', 'resolved'],
    ['Warn Recovered', 'resolved'],
    ['recovered', 'resolved'],
  ];
  for (const [transition, status] of cases) {
    const a = one({ ...base, alert_transition: transition, alert_type: 'info', alert_title: `[${transition}] High CPU`, title: 'x' });
    t.equal(a.status, status, transition);
    t.equal(a.identity, MULTI, `${transition}: identity unchanged`);
  }
});

t.test('rich template: recovered', async (t) => {
  const a = one(load('rich-recovered.json'));
  t.equal(a.identity, MULTI);
  t.equal(a.status, 'resolved');
  t.equal(a.endsAt?.toISOString(), '2026-11-22T10:42:00.000Z');
  const noDate = one({ ...load('rich-recovered.json'), date: '$DATE', last_updated: '' });
  t.same(noDate.endsAt, receivedAt, 'recovery without a date ends at receipt');
});

t.test('unsubstituted $VARIABLES are absent', async (t) => {
  const a = one(load('rich-unsubstituted.json'));
  t.equal(a.identity, 'monitor:170773010|scope:', 'literal $ALERT_SCOPE is not a scope');
  t.same(a.severity, { severity: 'SEV3', reason: 'datadog: no priority; alert_type "warning" → SEV3' });
  t.notOk('$TAGS' in a.labels);
  t.notOk(Object.values(a.labels).some((v) => v.startsWith('$')));
  t.notOk('cycle_key' in a.annotations);
  t.equal(a.title, 'Queue depth high');
  t.equal(a.status, 'firing', 'Warn fires');

  const viaBody = one({ ...load('default-triggered.json'), alert_id: '$ALERT_ID' });
  t.equal(viaBody.identity, MULTI, 'unsubstituted $ALERT_ID falls back to the body link');
  const other = one({ ...load('default-triggered.json'), alert_id: '42' });
  t.equal(other.identity, 'monitor:42|scope:env:prod,host:web-1', "scope from the title token, not from monitor 170773010's link");
  t.equal(other.url, undefined, 'no link to a different monitor');
});

t.test('severity: priority, then title token, then alert_type', async (t) => {
  const base = { alert_id: '1', alert_transition: 'Triggered' };
  const sev = (extra: object) => one({ ...base, ...extra }).severity;
  t.equal(sev({ alert_priority: 'P1' }).severity, 'SEV1');
  t.equal(sev({ alert_priority: 'p2' }).severity, 'SEV2');
  t.equal(sev({ alert_priority: 'P3' }).severity, 'SEV3');
  t.equal(sev({ alert_priority: 'P4' }).severity, 'SEV4');
  t.equal(sev({ alert_priority: 'P5' }).severity, 'SEV4');
  t.equal(sev({ alert_priority: 'P1', title: '[P4] x', alert_type: 'info' }).severity, 'SEV1', 'priority wins');
  t.equal(sev({ alert_priority: '', alert_type: 'error' }).reason, 'datadog: no priority; alert_type "error" → SEV2');
  t.equal(sev({ alert_priority: '$ALERT_PRIORITY', alert_type: 'info' }).severity, 'SEV4');
  t.equal(sev({ alert_type: 'warning' }).severity, 'SEV3');
  t.same(sev({}), { severity: 'SEV3', reason: 'datadog: no priority or alert_type → SEV3 (default)' });
  t.same(sev({ alert_type: 'success' }), { severity: 'SEV3', reason: 'datadog: no priority; alert_type "success" → SEV3 (default)' });
});

t.test('status from alert_type when the transition is missing or unknown', async (t) => {
  t.equal(one({ alert_id: '1', alert_type: 'success' }).status, 'resolved');
  t.equal(one({ alert_id: '1', alert_transition: 'Null', alert_type: 'error' }).status, 'firing');
  t.equal(one({ alert_id: '1', alert_transition: 'Recovered', alert_type: 'error' }).status, 'resolved', 'transition wins');
  t.same(
    issuesOf({ alert_id: '1', alert_transition: 'Null' }).map((i) => i.path),
    ['/alert_transition'],
  );
  t.same(
    issuesOf({ alert_id: '1' }).map((i) => i.path),
    ['/alert_transition'],
  );
});

t.test('scope: sorted tags, from title token as a last resort', async (t) => {
  t.equal(normalizeScope(' role:db , az:us-east-1a,'), 'az:us-east-1a,role:db');
  t.equal(normalizeScope(undefined), '');
  const a = one({ alert_id: '5', alert_title: '[Triggered on {host:ip-012345,env:dev}] Host is Down' });
  t.equal(a.identity, 'monitor:5|scope:env:dev,host:ip-012345');
  t.equal(a.title, 'Host is Down');
  t.equal(one({ alert_id: '5', alert_scope: 'env:dev,host:ip-012345', title: '[Triggered] other title' }).identity, a.identity);
});

t.test('identity never depends on $ID or the title', async (t) => {
  const base = load('rich-triggered.json');
  const other = one({ ...base, event_id: '1', id: '2', alert_title: 'renamed', title: 'renamed too' });
  t.equal(other.identity, MULTI);
  t.equal(other.title, 'renamed');
});

t.test('transitionStatus', async (t) => {
  t.equal(transitionStatus('Re-No Data'), 'firing');
  t.equal(transitionStatus('No Data Recovered'), 'resolved');
  t.equal(transitionStatus('Unrecovered'), undefined);
  t.equal(transitionStatus('Null'), undefined);
});

t.test('invalid bodies', async (t) => {
  t.same(
    issuesOf(null).map((i) => i.path),
    [''],
  );
  t.same(
    issuesOf([]).map((i) => i.path),
    [''],
  );
  t.same(
    issuesOf({ alert_id: 'abc', alert_transition: 'Triggered' }).map((i) => i.path),
    ['/alert_id'],
  );
  t.same(
    issuesOf({ alert_id: '1', alert_transition: 'Triggered', alert_title: 'a\u0000b' }).map((i) => i.path),
    ['/alert_title'],
  );
  t.same(
    issuesOf({ alert_id: '1', alert_transition: 'Triggered', tags: ['a'] }).map((i) => i.path),
    ['/tags'],
  );
  t.same(
    issuesOf({ alert_id: '1', alert_transition: 'Triggered', alert_scope: 'x'.repeat(16385) }).map((i) => i.path),
    ['/alert_scope'],
  );
  t.equal(one({ alert_id: 170773010, alert_transition: 'Triggered' }).identity, 'monitor:170773010|scope:', 'numeric id accepted');
});

t.test('long messages are clipped and tag overflow is dropped, not rejected', async (t) => {
  const tags = Array.from({ length: 200 }, (_, i) => `t${i}:v`).join(',');
  const a = one({ alert_id: '1', alert_transition: 'Triggered', body: 'm'.repeat(40000), tags });
  t.equal(a.annotations['message']?.length, 16384);
  t.equal(a.annotations['dropped_tags'], '72');
  t.equal(Object.keys(a.labels).length, 128 + 2, '128 tags + monitor_id + transition');
});
