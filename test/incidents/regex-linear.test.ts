/**
 * Pathological silence and severity-rule regexes against long label values:
 * deliveries get the right outcome, and the event loop stays free meanwhile.
 * With a backtracking engine the 40-character round already takes seconds, so
 * that round fails fast and the long round is skipped rather than hanging.
 */
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import t from 'tap';
import { MAX_VALUE_LENGTH } from '../../src/ingest/limits.js';
import { buildTestApp, createIntegration } from '../helper.js';

const SILENCE = '(a|aa)*c';
const RULE = '(x+x+)+y';

t.test('pathological regexes: right outcomes, and /health/live answers while deliveries run', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');

  const silence = await app.inject({
    method: 'POST',
    url: '/v1/silences',
    headers: admin,
    payload: {
      matchers: [{ name: 'host', value: SILENCE, isRegex: true }],
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      comment: 'ambiguous alternation',
    },
  });
  t.equal(silence.statusCode, 201, silence.body);
  const am = await createIntegration(app, admin, {
    name: 'am',
    kind: 'alertmanager',
    severityRules: [{ name: 'nested', matchers: [{ name: 'shard', value: RULE, isRegex: true }], severity: 'SEV1' }],
  });

  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  t.ok(address);

  const firing = (name: string, labels: Record<string, string>) => ({
    status: 'firing',
    labels: { alertname: name, severity: 'warning', ...labels },
    startsAt: '2026-11-22T10:00:00Z',
  });
  /** One delivery per group, so each incident's severity is its one alert's. */
  const deliver = async (groupKey: string, alert: object) => {
    const started = performance.now();
    const res = await fetch(`${base}/v1/webhooks/alertmanager/${am.key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ receiver: 'r', groupKey, status: 'firing', alerts: [alert] }),
    });
    const body = (await res.json()) as { alerts: { outcome: string; incidentId: string | null }[] };
    return { status: res.status, alerts: body.alerts, ms: performance.now() - started };
  };
  const incident = async (id: string | null) =>
    (await app.inject({ url: `/v1/incidents/${id}`, headers: admin })).json() as { severity: string; severityReason: string };

  /** Runs the four deliveries at once while probing liveness; returns what each saw. */
  const round = async (n: number) => {
    const as = 'a'.repeat(n);
    const xs = 'x'.repeat(n);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let done = false;
    const probes: number[] = [];
    const probing = (async () => {
      while (!done) {
        const started = performance.now();
        const res = await fetch(`${base}/health/live`);
        await res.arrayBuffer();
        probes.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const results = await Promise.all([
      deliver(`silenced-${n}`, firing('Silenced', { host: `${as}c` })),
      deliver(`not-silenced-${n}`, firing('NotSilenced', { host: as })),
      deliver(`rule-${n}`, firing('Rule', { shard: `${xs}y` })),
      deliver(`no-rule-${n}`, firing('NoRule', { shard: xs })),
    ]);
    done = true;
    await probing;
    delay.disable();
    return { results, probes, maxDelayMs: delay.max / 1e6 };
  };

  const check = async (n: number): Promise<boolean> => {
    const { results, probes, maxDelayMs } = await round(n);
    t.strictSame(
      results.map((r) => r.status),
      [200, 200, 200, 200],
      `${n}: every delivery accepted`,
    );
    t.strictSame(
      results.map((r) => r.alerts.map((a) => a.outcome)),
      [['suppressed'], ['created'], ['created'], ['created']],
      `${n}: outcomes`,
    );
    const [silenced, notSilenced, rule, noRule] = results.map((r) => r.alerts[0]?.incidentId ?? null);
    t.equal(silenced, null, `${n}: a suppressed alert opens nothing`);
    t.ok(notSilenced, `${n}: the unmatched alert opened an incident`);
    const ruled = await incident(rule ?? null);
    t.equal(ruled.severity, 'SEV1', `${n}: the rule decides`);
    t.equal(ruled.severityReason, 'rule "nested" matched → SEV1');
    const fallback = await incident(noRule ?? null);
    t.equal(fallback.severity, 'SEV3', `${n}: no rule match, the adapter default`);
    t.equal(fallback.severityReason, 'alertmanager label severity="warning" → SEV3');

    const slowest = Math.max(...results.map((r) => r.ms));
    const slowestProbe = Math.max(...probes);
    t.ok(probes.length >= 1, `${n}: /health/live was probed ${probes.length} times during the deliveries`);
    // Bounds far from both sides: backtracking grows ×1.6 per character (1.5 s at 40, ~3 minutes at 50,
    // hours at 60 and forever at 16k); RE2 takes milliseconds. A busy 2-core machine adds at most a second
    // or two to a delivery, never ten: the bound tells exponential from linear, not fast from slow.
    const BOUND_MS = 10_000;
    t.ok(slowest < BOUND_MS, `${n}: slowest delivery ${slowest.toFixed(0)} ms`);
    t.ok(slowestProbe < BOUND_MS, `${n}: slowest /health/live ${slowestProbe.toFixed(0)} ms`);
    t.ok(maxDelayMs < BOUND_MS, `${n}: longest event-loop stall ${maxDelayMs.toFixed(0)} ms`);
    return slowest < BOUND_MS && slowestProbe < BOUND_MS && maxDelayMs < BOUND_MS;
  };

  // The pattern at 60 characters (hours of backtracking), then values near the label limit.
  const fast = await check(60);
  if (!fast) {
    t.fail('the event loop stalled at 60 characters; the long round would hang, so it is skipped');
    return;
  }
  t.equal(MAX_VALUE_LENGTH, 16384);
  await check(MAX_VALUE_LENGTH - 1);
});
