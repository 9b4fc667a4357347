import { readFileSync } from 'node:fs';
import t from 'tap';
import { adaptOpsgenieAction, adaptOpsgenieCreate, opsgenieSeverity } from '../../src/ingest/opsgenie.js';
import { type AdapterContext, type AdapterResult, PayloadError } from '../../src/ingest/types.js';

const load = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/ingest/opsgenie/${name}`, import.meta.url), 'utf8'));
const receivedAt = new Date('2026-11-22T23:00:00Z');
const ctx: AdapterContext = { receivedAt, rawBody: '', newKey: 'generated-alias' };
const only = (r: AdapterResult) => {
  if (r.alerts.length !== 1) throw new Error(`expected one alert, got ${r.alerts.length}`);
  return r.alerts[0]!;
};
function issuesOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    if (err instanceof PayloadError) return err.issues;
    throw err;
  }
  throw new Error('expected a PayloadError');
}

t.test('priority mapping: P1..P5 → SEV1..SEV4, absent → P3', async (t) => {
  t.same(
    ['P1', 'P2', 'P3', 'P4', 'P5', 'p1'].map((p) => opsgenieSeverity(p)?.severity),
    ['SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV4', 'SEV1'],
  );
  t.equal(opsgenieSeverity(undefined)?.severity, 'SEV3');
  t.equal(opsgenieSeverity('P6'), undefined);
});

t.test('Alertmanager create: details are the common labels, alias the identity', async (t) => {
  const a = only(adaptOpsgenieCreate(load('am025-create.json'), ctx));
  t.equal(a.identity.length, 64);
  t.equal(a.groupKey, `opsgenie:${a.identity}`);
  t.equal(a.title, '[FIRING:1] DiskFull db-1 (node critical)');
  t.same(a.severity, { severity: 'SEV2', reason: 'opsgenie priority "P2" → SEV2' });
  t.match(a.labels, { alertname: 'DiskFull', instance: 'db-1:9100', severity: 'critical', disk: '', prod: '', priority: 'P2' });
  t.match(a.labels.source, /^http:\/\/alertmanager/);
  t.equal(a.annotations.description, 'Disk almost full on db-1 Only 4% left on /var');
  t.same(JSON.parse(a.annotations.responders!), [{ name: 'dba', type: 'team' }], 'responders kept');
});

t.test('Grafana, Zabbix and healthchecks.io creates', async (t) => {
  const g = only(adaptOpsgenieCreate(load('grafana-create.json'), ctx));
  t.match(g.labels, { alertname: 'HighCPU', host: 'web-3', url: 'https://grafana.example.com/alerting/list', source: 'Grafana' });
  t.equal(g.severity.severity, 'SEV1');
  const z = only(adaptOpsgenieCreate(load('zabbix-create.json'), ctx));
  t.match(z, { identity: '40987', labels: { entity: 'app-4', Class: 'os', 'Event ID': '40987' } });
  const hc = only(adaptOpsgenieCreate(load('hc-create.json'), ctx));
  t.equal(hc.labels['Total pings'], '118', 'integer details coerced to text');
  t.equal(hc.severity.severity, 'SEV3', 'no priority → P3');
  t.equal(hc.annotations.note, 'Last ping was 26 hours ago');
});

t.test('create without alias gets the generated one; invalid creates are refused with paths', async (t) => {
  const body = load('am025-create.json');
  delete body.alias;
  t.equal(only(adaptOpsgenieCreate(body, ctx)).identity, 'generated-alias');
  t.match(
    issuesOf(() => adaptOpsgenieCreate({}, ctx)),
    [{ path: '/message' }],
  );
  t.match(
    issuesOf(() => adaptOpsgenieCreate({ message: 'x', priority: 'P9' }, ctx)),
    [{ path: '/priority' }],
  );
  t.match(
    issuesOf(() => adaptOpsgenieCreate({ message: 'x', alias: 'a'.repeat(513) }, ctx)),
    [{ path: '/alias' }],
  );
  t.match(
    issuesOf(() => adaptOpsgenieCreate({ message: 'x', tags: 'a,b' }, ctx)),
    [{ path: '/tags' }],
  );
  t.match(
    issuesOf(() => adaptOpsgenieCreate({ message: 'x', details: [1] }, ctx)),
    [{ path: '/details' }],
  );
  t.match(
    issuesOf(() => adaptOpsgenieCreate('x', ctx)),
    [{ path: '' }],
  );
});

t.test('actions: close resolves by alias keeping details; ack and notes; unknown alert', async (t) => {
  const close = only(adaptOpsgenieAction('close', 'abc', load('am025-close.json'), ctx));
  t.match(close, { identity: 'abc', status: 'resolved', detailsOmitted: true, groupKey: 'opsgenie:abc' });
  t.same(adaptOpsgenieAction('close', 'abc', undefined, ctx).alerts.length, 1, 'no body at all');
  t.same(adaptOpsgenieAction('acknowledge', 'abc', load('zabbix-acknowledge.json'), ctx).actions, [
    { type: 'acknowledge', identity: 'abc' },
  ]);
  t.same(adaptOpsgenieAction('notes', 'abc', load('zabbix-notes.json'), ctx).actions, [
    { type: 'note', identity: 'abc', note: 'Restarted the memory hog', user: 'Admin (Zabbix Administrator)', source: 'Zabbix' },
  ]);
  t.match(
    issuesOf(() => adaptOpsgenieAction('notes', 'abc', {}, ctx)),
    [{ path: '/note' }],
  );
  t.match(adaptOpsgenieAction('close', undefined, {}, ctx), { alerts: [], note: 'Alert does not exist' });
  t.match(
    issuesOf(() => adaptOpsgenieAction('close', 'abc', [1], ctx)),
    [{ path: '' }],
  );
});
