import t from 'tap';
import { DEFAULT_POLICY, parseAckTargets } from '../../src/incidents/policy.js';
import { duration, renderDigest, renderIncident } from '../../src/notify/render.js';

const incident = {
  id: 'b7f0c0de-0000-4000-8000-000000000001',
  number: 42,
  title: 'Orders API failing',
  severity: 'SEV2' as const,
  status: 'triggered',
  service: 'orders',
  openedAt: new Date('2026-11-23T14:23:00Z'),
};

t.test('a page follows the seeds: INCIDENT DECLARED with severity, start time, impact, status and cadence', async (t) => {
  const r = renderIncident(incident, 'page', new Date('2026-11-23T14:25:00Z'), DEFAULT_POLICY, 'https://klaxon.example.com/v1/incidents/x');
  t.equal(r.subject, '[SEV2] #42 Orders API failing');
  t.equal(
    r.text,
    [
      'INCIDENT DECLARED: Orders API failing',
      'Severity: SEV2',
      'Incident: #42',
      'Start time: 2026-11-23 14:23 UTC',
      'Impact: Major degradation, most users affected',
      'Status: Triggered',
      'Service: orders',
      'Acknowledge within: 15 minutes',
      'Next update: every 30 minutes',
      '',
      'https://klaxon.example.com/v1/incidents/x',
      '',
    ].join('\n'),
  );
  t.match(r.html, '<h2>INCIDENT DECLARED: Orders API failing</h2>');
  t.equal(r.summary, '[SEV2] #42 Orders API failing (triggered)');
});

t.test('a reminder is the update template with the duration so far', async (t) => {
  const r = renderIncident({ ...incident, status: 'investigating' }, 'reminder', new Date('2026-11-23T15:45:30Z'), DEFAULT_POLICY);
  t.equal(r.subject, '[SEV2] #42 update due: Orders API failing');
  t.match(r.text, /^INCIDENT UPDATE DUE: Orders API failing\n/);
  t.match(r.text, /Duration: 1h 22m/);
  t.match(r.text, /Status: Investigating/);
  t.match(r.text, /Update cadence: every 30 minutes: a status update is due/);
});

t.test('the targets a message states are the configured ones (KLAXON_ACK_TARGETS, KLAXON_UPDATE_CADENCE)', async (t) => {
  const policy = {
    ackTargetSeconds: parseAckTargets('SEV2=2m'),
    updateCadenceSeconds: parseAckTargets('SEV2=90s,SEV4=1h', DEFAULT_POLICY.updateCadenceSeconds),
  };
  const page = renderIncident(incident, 'page', incident.openedAt, policy).text;
  t.match(page, /Acknowledge within: 2 minutes\nNext update: every 90 seconds\n/);
  const reminder = renderIncident({ ...incident, severity: 'SEV4' }, 'reminder', incident.openedAt, policy).text;
  t.match(reminder, /Update cadence: every 1 hour: a status update is due\nNext update: every 1 hour\n/);
  t.match(
    renderIncident({ ...incident, severity: 'SEV4' }, 'page', incident.openedAt, DEFAULT_POLICY).text,
    /Acknowledge within: 4 hours\nNext update: daily\n/,
    'the seeds: daily',
  );
});

t.test('HTML escapes what alerts put in titles', async (t) => {
  const r = renderIncident({ ...incident, title: '<script>alert(1)</script> & "x"' }, 'notify', incident.openedAt, DEFAULT_POLICY);
  t.notMatch(r.html, '<script>');
  t.match(r.html, '&#60;script&#62;');
});

t.test('a digest lists what was held back', async (t) => {
  const r = renderDigest([incident, { ...incident, number: 43, severity: 'SEV1', title: 'DB down' }], 900);
  t.equal(r.subject, '[Klaxon] 2 notifications held back (more than your limit in 15 minutes)');
  t.match(r.text, /\[SEV2\] #42 Orders API failing \(triggered\)\n\[SEV1\] #43 DB down/);
});

t.test('durations', async (t) => {
  const at = new Date('2026-01-01T00:00:00Z');
  t.equal(duration(at, new Date('2026-01-01T00:00:59Z')), '0m');
  t.equal(duration(at, new Date('2026-01-01T02:05:00Z')), '2h 5m');
  t.equal(duration(at, new Date('2025-12-31T00:00:00Z')), '0m');
});
