import { readFileSync } from 'node:fs';
import t from 'tap';
import { adaptPagerDutyV1, adaptPagerDutyV2, pagerDutySeverity } from '../../src/ingest/pagerduty.js';
import { adaptPagerDutyChange } from '../../src/ingest/pagerduty-change.js';
import { type AdapterContext, type AdapterResult, PayloadError } from '../../src/ingest/types.js';

const load = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/ingest/pagerduty/${name}`, import.meta.url), 'utf8'));
const receivedAt = new Date('2026-11-22T23:00:00Z');
const ctx: AdapterContext = { receivedAt, rawBody: '', newKey: 'generated0000000000000000000000a' };

function issuesOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    if (err instanceof PayloadError) return err.issues;
    throw err;
  }
  throw new Error('expected a PayloadError');
}
const only = (r: AdapterResult) => {
  if (r.alerts.length !== 1) throw new Error(`expected one alert, got ${r.alerts.length}`);
  return r.alerts[0]!;
};

t.test('severity mapping: critical/error/warning/info → SEV1..SEV4, case-insensitive; others unknown', async (t) => {
  t.same(
    ['critical', 'error', 'warning', 'info', 'CRITICAL'].map((s) => pagerDutySeverity(s)?.severity),
    ['SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV1'],
  );
  t.equal(pagerDutySeverity('high'), undefined);
  t.equal(pagerDutySeverity('constructor'), undefined, 'no prototype keys');
});

t.test('PagerDuty docs trigger: every field kept', async (t) => {
  const a = only(adaptPagerDutyV2(load('docs-trigger.json'), ctx));
  t.equal(a.identity, 'samplekeyhere');
  t.equal(a.groupKey, 'pagerduty:samplekeyhere');
  t.equal(a.status, 'firing');
  t.equal(a.title, 'Example alert on host1.example.com');
  t.same(a.severity, { severity: 'SEV4', reason: 'pagerduty severity "info" → SEV4' });
  t.match(a.labels, {
    severity: 'info',
    component: 'postgres',
    group: 'prod-datapipe',
    class: 'deploy',
    client: 'Sample Monitoring Service',
  });
  t.match(a.labels.source, /^monitoringtool:/);
  t.equal(a.annotations['details.ping time'], '1500ms');
  t.equal(a.annotations['details.load avg'], '0.75', 'non-string details as JSON');
  t.equal(a.annotations.timestamp, '2015-07-17T08:42:58.315+0000');
  t.same(JSON.parse(a.annotations.links!), [{ href: 'https://example.com/', text: 'Link text' }]);
  t.same(JSON.parse(a.annotations.images!)[0].alt, 'Example text');
  t.equal(a.url, 'https://monitoring.service.com', 'client_url is the link');
  t.equal(a.startsAt, null, 'arrival order, as PagerDuty: a trigger after a resolve is a new firing');
});

t.test('senders: Alertmanager, Grafana, Zabbix, Uptime Kuma', async (t) => {
  const am = only(adaptPagerDutyV2(load('am025-v2-trigger.json'), ctx));
  t.equal(am.identity.length, 64, "Alertmanager's SHA-256 group key");
  t.equal(am.severity.severity, 'SEV2', 'Alertmanager default severity error → SEV2');
  t.equal(am.annotations['details.num_firing'], '2');
  const amResolved = only(adaptPagerDutyV2(load('am025-v2-resolve.json'), ctx));
  t.equal(amResolved.status, 'resolved');
  t.equal(amResolved.endsAt?.toISOString(), receivedAt.toISOString());
  t.notOk(amResolved.detailsOmitted, 'a resolve with a payload describes the alert');
  const grafana = only(adaptPagerDutyV2(load('grafana-v2-trigger.json'), ctx));
  t.equal(grafana.severity.severity, 'SEV1', 'Grafana default critical → SEV1');
  t.equal(grafana.url, 'https://grafana.example.com/');
  const zabbix = only(adaptPagerDutyV2(load('zabbix-trigger.json'), ctx));
  t.equal(zabbix.identity, '40213');
  t.notOk('component' in zabbix.labels, 'empty fields are absent');
  const kuma = only(adaptPagerDutyV2(load('kuma-trigger.json'), ctx));
  t.equal(kuma.identity, 'Uptime Kuma/12');
  t.equal(kuma.severity.severity, 'SEV3');
});

t.test('dedup_key absent or "" on a trigger: the generated key (Gatus)', async (t) => {
  t.equal(only(adaptPagerDutyV2(load('gatus-trigger.json'), ctx)).identity, ctx.newKey);
  const body = load('docs-trigger.json');
  delete body.dedup_key;
  t.equal(only(adaptPagerDutyV2(body, ctx)).identity, ctx.newKey);
});

t.test('acknowledge and resolve without payload (PagerDuty docs, Zabbix)', async (t) => {
  const ack = adaptPagerDutyV2(load('docs-acknowledge.json'), ctx);
  t.same(ack.alerts, []);
  t.same(ack.actions, [{ type: 'acknowledge', identity: 'samplekeyhere' }]);
  const resolve = only(adaptPagerDutyV2(load('zabbix-resolve.json'), ctx));
  t.match(resolve, { identity: '40213', status: 'resolved', detailsOmitted: true });
  t.match(
    issuesOf(() => adaptPagerDutyV2({ routing_key: 'k', event_action: 'resolve', dedup_key: '' }, ctx)),
    [{ path: '/dedup_key', message: /required for resolve/ }],
  );
});

t.test('invalid events: PagerDuty-like paths', async (t) => {
  t.match(
    issuesOf(() => adaptPagerDutyV2([], ctx)),
    [{ path: '' }],
  );
  t.match(
    issuesOf(() => adaptPagerDutyV2({ routing_key: 'k', event_action: 'explode' }, ctx)),
    [{ path: '/event_action' }],
  );
  t.match(
    issuesOf(() => adaptPagerDutyV2({ routing_key: 'k', event_action: 'trigger' }, ctx)),
    [{ path: '/payload' }],
  );
  const missing = issuesOf(() => adaptPagerDutyV2({ routing_key: 'k', event_action: 'trigger', payload: {} }, ctx)).map((i) => i.path);
  t.same(missing, ['/payload/summary', '/payload/source', '/payload/severity']);
  const bad = {
    routing_key: 'k',
    event_action: 'trigger',
    payload: { summary: 's', source: 'x', severity: 'urgent', timestamp: 'yesterday' },
  };
  t.same(
    issuesOf(() => adaptPagerDutyV2(bad, ctx)).map((i) => i.path),
    ['/payload/severity', '/payload/timestamp'],
  );
  t.match(
    issuesOf(() => adaptPagerDutyV2({ ...load('docs-trigger.json'), dedup_key: 'k'.repeat(256) }, ctx)),
    [{ path: '/dedup_key' }],
  );
  const long = load('docs-trigger.json');
  long.payload.summary = 's'.repeat(1025);
  t.match(
    issuesOf(() => adaptPagerDutyV2(long, ctx)),
    [{ path: '/payload/summary' }],
  );
  const nul = load('docs-trigger.json');
  nul.payload.source = 'a\u0000b';
  t.match(
    issuesOf(() => adaptPagerDutyV2(nul, ctx)),
    [{ path: '/payload/source' }],
  );
});

t.test('hostile but harmless: odd details, links and images are kept safely or dropped', async (t) => {
  const body = load('docs-trigger.json');
  body.payload.custom_details = { 'a\u0000b': 'x\u0000y', huge: 'z'.repeat(100_000), nested: { deep: [1, 2] }, lone: '\ud800' };
  body.links = [{ href: 42 }, 'x', { href: 'https://ok/' }, { href: 'a\u0000' }];
  body.images = { src: 'not an array' };
  const a = only(adaptPagerDutyV2(body, ctx));
  t.equal(a.annotations['details.a\\u0000b'], 'x\\u0000y');
  t.ok(a.annotations['details.huge']!.length <= 16384);
  t.equal(a.annotations['details.nested'], '{"deep":[1,2]}');
  t.equal(a.annotations['details.lone'], '\ufffd');
  t.same(JSON.parse(a.annotations.links!), [{ href: 'https://ok/' }, { href: 'a\\u0000' }]);
  t.notOk('images' in a.annotations);
  const scalar = load('docs-trigger.json');
  scalar.payload.custom_details = 'just text';
  t.equal(only(adaptPagerDutyV2(scalar, ctx)).annotations.details, 'just text', 'string custom_details (Grafana) kept');
});

t.test('Events API v1: Alertmanager (with its empty event_action and null payload) and healthchecks.io', async (t) => {
  const am = only(adaptPagerDutyV1(load('am025-v1-trigger.json'), ctx));
  t.equal(am.identity.length, 64);
  t.equal(am.title, '[FIRING:1] InstanceDown (api-2 page)');
  t.equal(am.severity.severity, 'SEV2');
  t.equal(am.annotations['details.num_firing'], '1');
  t.equal(only(adaptPagerDutyV1(load('am025-v1-resolve.json'), ctx)).status, 'resolved');
  const hc = only(adaptPagerDutyV1(load('hc-v1-trigger.json'), ctx));
  t.equal(hc.identity, '1d4e7f0a-2b3c-4d5e-8f90-a1b2c3d4e5f6');
  t.equal(hc.url, 'https://healthchecks.io/projects/4f2a/checks/');
  t.match(
    issuesOf(() => adaptPagerDutyV1({ service_key: 'k', event_type: 'trigger' }, ctx)),
    [{ path: '/description' }],
  );
  t.match(
    issuesOf(() => adaptPagerDutyV1({ service_key: 'k', event_type: 'resolve' }, ctx)),
    [{ path: '/incident_key' }],
  );
  const noKey = only(adaptPagerDutyV1({ service_key: 'k', event_type: 'trigger', description: 'x' }, ctx));
  t.equal(noKey.identity, ctx.newKey);
});

t.test('change events', async (t) => {
  const c = adaptPagerDutyChange(load('docs-change.json'), receivedAt);
  t.equal(c.summary, 'Build Success: Increase snapshot create timeout to 30 seconds');
  t.equal(c.source, 'acme-build-pipeline-tool-default-i-9999');
  t.equal(c.happenedAt.toISOString(), '2020-07-17T08:42:58.315Z');
  t.equal(c.link, 'https://acme.pagerduty.dev/build/2');
  t.equal(
    adaptPagerDutyChange({ payload: { summary: 'x' }, links: [{ href: 'ftp://no' }, { href: 'http://yes' }] }, receivedAt).link,
    'http://yes',
  );
  t.equal(adaptPagerDutyChange({ payload: { summary: 'deploy' } }, receivedAt).happenedAt, receivedAt);
  t.match(
    issuesOf(() => adaptPagerDutyChange({ payload: {} }, receivedAt)),
    [{ path: '/payload/summary' }],
  );
  t.match(
    issuesOf(() => adaptPagerDutyChange({}, receivedAt)),
    [{ path: '/payload' }],
  );
});
