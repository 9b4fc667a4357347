/** Cadence, overdue, the chat channel name and the seeds' message templates: pure functions of an incident. */
import fc from 'fast-check';
import t from 'tap';
import {
  chatChannelName,
  formatDuration,
  MESSAGE_KINDS,
  type MessageContext,
  nextUpdateDue,
  renderMessage,
  updateOverdue,
} from '../../src/incidents/communications.js';
import { DEFAULT_POLICY, parseAckTargets } from '../../src/incidents/policy.js';
import { INCIDENT_STATUSES, SEVERITIES } from '../../src/vocabulary.js';

const cadence = DEFAULT_POLICY.updateCadenceSeconds;
const opened = new Date('2025-12-09T14:23:00Z');
const min = (m: number) => new Date(opened.getTime() + m * 60_000);

t.test('the next update is due by the severity cadence after the last one', async (t) => {
  const expected = { SEV1: 15, SEV2: 30, SEV3: 120, SEV4: 1440 };
  for (const severity of SEVERITIES) {
    const input = { severity, status: 'investigating' as const, openedAt: opened, lastUpdateAt: null };
    t.same(
      nextUpdateDue(input, cadence),
      min(expected[severity]),
      `${severity}: ${expected[severity]} min after opening before any update`,
    );
    t.same(nextUpdateDue({ ...input, lastUpdateAt: min(7) }, cadence), min(7 + expected[severity]), `${severity}: after the last update`);
    t.equal(updateOverdue(input, cadence, min(expected[severity])), false, `${severity}: at the due time is not overdue`);
    t.equal(updateOverdue(input, cadence, new Date(min(expected[severity]).getTime() + 1)), true, `${severity}: a millisecond later it is`);
  }
  const resolved = { severity: 'SEV1' as const, status: 'resolved' as const, openedAt: opened, lastUpdateAt: null };
  t.equal(nextUpdateDue(resolved, cadence), null, 'nothing is due once resolved');
  t.equal(updateOverdue(resolved, cadence, min(10_000)), false);
  t.same(
    nextUpdateDue({ severity: 'SEV2', status: 'triggered', openedAt: min(60), lastUpdateAt: min(5) }, cadence),
    min(90),
    'an update older than the opening (after a reopen) counts from the opening',
  );
});

t.test('the cadence is configurable like the acknowledgement targets', async (t) => {
  const custom = parseAckTargets('SEV1=5m,SEV4=8h', DEFAULT_POLICY.updateCadenceSeconds);
  t.same(custom, { SEV1: 300, SEV2: 1800, SEV3: 7200, SEV4: 28_800 });
  t.same(nextUpdateDue({ severity: 'SEV1', status: 'identified', openedAt: opened, lastUpdateAt: null }, custom), min(5));
});

t.test("the chat channel follows the seeds' convention", async (t) => {
  t.equal(chatChannelName({ openedAt: opened, service: 'orders', title: 'x' }), '#incident-2025-12-09-orders');
  t.equal(
    chatChannelName({ openedAt: opened, service: null, title: 'High error rate on /api/orders!' }),
    '#incident-2025-12-09-high-error-rate-on-api-orders',
  );
  t.equal(
    chatChannelName({ openedAt: opened, service: '  ', title: '¡¿!' }),
    '#incident-2025-12-09-incident',
    'nothing usable: a plain slug',
  );
  t.equal(
    chatChannelName({ openedAt: new Date('2025-12-09T23:59:59Z'), service: 'Café Über', title: '' }),
    '#incident-2025-12-09-cafe-uber',
  );
  const long = chatChannelName({ openedAt: opened, service: 'a'.repeat(200), title: '' });
  t.ok(long.length <= 81, 'at most 80 characters after the #');
  fc.assert(
    fc.property(fc.string(), fc.option(fc.string()), (title, service) => {
      const name = chatChannelName({ openedAt: opened, service, title });
      return /^#incident-2025-12-09-[a-z0-9]+(-[a-z0-9]+)*$/.test(name) && name.length <= 81;
    }),
  );
});

const known: MessageContext = {
  title: 'High error rate on /api/orders endpoint',
  severity: 'SEV2',
  status: 'identified',
  service: 'orders',
  commander: 'alice',
  openedAt: opened,
  resolvedAt: null,
  impact: '~30% of order requests failing',
  summary: 'High error rate on /api/orders endpoint',
  findings: 'database connection pool exhaustion',
  actions: 'Implementing a fix',
  resolution: null,
  nextUpdateAt: min(45),
  cadenceSeconds: 1800,
  channel: '#incident-2025-12-09-orders',
  statusPageUrl: 'https://status.example.com',
  now: min(15),
};

t.test("each message renders the seeds' template from a known incident", async (t) => {
  t.equal(
    renderMessage('declared', known, 'text'),
    [
      'INCIDENT DECLARED',
      'Severity: SEV-2',
      'Time: 2025-12-09 14:23 UTC',
      'Summary: High error rate on /api/orders endpoint',
      'Impact: ~30% of order requests failing',
      'Incident Commander: @alice',
      'Channel: #incident-2025-12-09-orders',
      '',
    ].join('\n'),
  );
  t.equal(
    renderMessage('update', known, 'text'),
    [
      'INCIDENT UPDATE',
      'Incident: High error rate on /api/orders endpoint (SEV-2)',
      'Status: Identified',
      'Started: 2025-12-09 14:23 UTC',
      'Duration so far: 15m',
      'Impact: ~30% of order requests failing',
      'Current findings: database connection pool exhaustion',
      'Actions in progress: Implementing a fix',
      'Incident Commander: @alice',
      'Next update: 2025-12-09 15:08 UTC',
      '',
    ].join('\n'),
  );
  const resolved = {
    ...known,
    status: 'resolved' as const,
    resolvedAt: min(82),
    resolution: 'Increased pool size from 20 to 50',
    nextUpdateAt: null,
  };
  t.equal(
    renderMessage('resolved', resolved, 'text'),
    [
      'INCIDENT RESOLVED',
      'Time: 2025-12-09 15:45 UTC',
      'Duration: 1h 22m',
      'Root Cause: database connection pool exhaustion',
      'Mitigation: Increased pool size from 20 to 50',
      'Next Steps: Post-mortem due by 2025-12-11 15:45 UTC',
      '',
    ].join('\n'),
  );
  t.equal(
    renderMessage('status-investigating', { ...known, impact: 'reports of failed order requests' }, 'text'),
    '🚨 INCIDENT ALERT - SEV-2 🚨\n\n' +
      "We're investigating reports of failed order requests. Our team is actively working on resolving this issue. " +
      "We'll provide updates every 30 minutes.\n\nStatus: https://status.example.com\n",
  );
  t.equal(
    renderMessage('status-identified', known, 'text'),
    "📊 INCIDENT UPDATE\n\nWe've identified the cause: database connection pool exhaustion. We are implementing a fix. " +
      'Next update in 30 minutes.\n\nStatus: https://status.example.com\n',
  );
  t.equal(
    renderMessage('status-resolved', resolved, 'text'),
    '✅ INCIDENT RESOLVED\n\nThe issue (~30% of order requests failing) has been resolved. All systems are operating normally. ' +
      'We apologize for the disruption. A detailed post-mortem will be published within 48 hours.\n\nStatus: https://status.example.com\n',
  );
});

t.test('Markdown: the same fields, with what a person typed escaped', async (t) => {
  const md = renderMessage('declared', { ...known, impact: '*all* users [see](http://x) <b>' }, 'markdown');
  t.match(md, /^\*\*INCIDENT DECLARED\*\*\n\n- \*\*Severity\*\*: SEV-2\n/);
  t.match(md, /- \*\*Impact\*\*: \\\*all\\\* users \\\[see\\\]\(http:\/\/x\) \\<b\\>\n/);
  t.match(renderMessage('status-resolved', known, 'markdown'), /Status: <https:\/\/status\.example\.com>\n$/);
});

t.test('a field with no value says so plainly', async (t) => {
  const bare: MessageContext = {
    ...known,
    commander: null,
    impact: null,
    summary: null,
    findings: null,
    actions: null,
    service: null,
    statusPageUrl: null,
    status: 'triggered',
  };
  const declared = renderMessage('declared', bare, 'text');
  t.match(declared, 'Impact: not yet assessed');
  t.match(declared, 'Incident Commander: not assigned');
  t.match(declared, 'Summary: High error rate on /api/orders endpoint', 'no summary: the title');
  const update = renderMessage('update', bare, 'text');
  t.match(update, 'Current findings: none recorded yet');
  t.match(update, 'Actions in progress: none recorded yet');
  const resolved = renderMessage('resolved', bare, 'text');
  t.match(resolved, 'Time: not resolved yet (status: Triggered)');
  t.match(resolved, 'Root Cause: not yet determined');
  t.match(renderMessage('status-investigating', bare, 'text'), "We're investigating an issue affecting our service.");
  t.notMatch(renderMessage('status-investigating', bare, 'text'), 'Status:', 'no status page URL: no line');
  t.match(renderMessage('status-identified', bare, 'text'), "We've identified the cause. We are implementing a fix.");
  t.notMatch(renderMessage('status-resolved', { ...bare, severity: 'SEV4' }, 'text'), 'post-mortem', 'SEV4: no post-mortem promised');
});

t.test('property: no template ever prints undefined, null, NaN or a [placeholder]', async () => {
  const maybe = fc.option(fc.oneof(fc.string(), fc.constantFrom('', '   ', '\n')), { nil: null });
  const date = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true });
  const ctx = fc.record({
    title: fc.string(),
    severity: fc.constantFrom(...SEVERITIES),
    status: fc.constantFrom(...INCIDENT_STATUSES),
    service: maybe,
    commander: maybe,
    openedAt: date,
    resolvedAt: fc.option(date, { nil: null }),
    impact: maybe,
    summary: maybe,
    findings: maybe,
    actions: maybe,
    resolution: maybe,
    nextUpdateAt: fc.option(date, { nil: null }),
    cadenceSeconds: fc.integer({ min: 1, max: 7 * 86400 }),
    channel: fc.constant('#incident-2025-12-09-x'),
    statusPageUrl: fc.option(fc.constant('https://status.example.com'), { nil: null }),
    now: date,
  });
  fc.assert(
    fc.property(ctx, fc.constantFrom(...MESSAGE_KINDS), fc.constantFrom('text' as const, 'markdown' as const), (c, kind, format) => {
      // Only what Klaxon writes is checked: a person's own text may say anything.
      const clean = { ...c, title: 'T', service: c.service && 'svc', commander: c.commander && 'cmd', impact: c.impact && 'imp' };
      const out = renderMessage(
        kind,
        { ...clean, summary: c.summary && 'sum', findings: c.findings && 'f', actions: c.actions && 'a' },
        format,
      );
      return !/undefined|null|NaN|Invalid Date|\[[A-Za-z ]+\]|: \n|: $/m.test(out);
    }),
  );
});

t.test('durations', async (t) => {
  t.equal(formatDuration(82 * 60_000), '1h 22m');
  t.equal(formatDuration(59_999), '0m');
  t.equal(formatDuration((2 * 1440 + 4 * 60 + 5) * 60_000), '2d 4h 5m');
  t.equal(formatDuration(-5), '0m');
});
