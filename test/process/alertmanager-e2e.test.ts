/**
 * End to end against Debian's real `prometheus-alertmanager` (0.25): alerts are
 * posted to Alertmanager, which groups them and delivers its own webhooks to a
 * listening Klaxon. Hand-written payloads (webhooks/alertmanager-flow.test.ts)
 * cannot show that Klaxon agrees with what the real sender actually sends:
 * fingerprints, group keys, which alerts a resolve notification carries.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { IncidentDetail, IncidentList } from '../../src/schemas/incidents.js';
import { buildTestApp, createIntegration } from '../helper.js';

const BINARY = 'prometheus-alertmanager';
const STEP_TIMEOUT_MS = 20_000; // a wait for an external process to act, not a timing assertion
const POLL_MS = 200;

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir || '.', name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** A port the kernel just handed out; Alertmanager binds it a moment later (loopback only). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Stops Alertmanager and waits for it to exit; SIGKILL if it ignores SIGTERM. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

const binary = onPath(BINARY);

t.test(
  'real Alertmanager → Klaxon: fire a group, resolve one, re-fire it, resolve all',
  {
    skip: binary ? false : `${BINARY} not installed (apt-get install prometheus-alertmanager)`,
  },
  async (t) => {
    const { app, handle, auth } = await buildTestApp(t);
    const admin = await auth('admin');
    const viewer = await auth('viewer');
    const integration = await createIntegration(app, admin, { name: 'real alertmanager', kind: 'alertmanager' });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });

    const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-am-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    // JSON is YAML, so the config needs no YAML writer. group_interval 1s: each change is sent within about a second.
    writeFileSync(
      path.join(dir, 'alertmanager.yml'),
      JSON.stringify({
        route: { receiver: 'klaxon', group_by: ['alertname'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
        receivers: [
          {
            name: 'klaxon',
            webhook_configs: [
              {
                url: `${base}/v1/webhooks/alertmanager`,
                send_resolved: true,
                http_config: { authorization: { type: 'Bearer', credentials: integration.key } },
              },
            ],
          },
        ],
      }),
    );
    const amPort = await freePort();
    const am = `http://127.0.0.1:${amPort}`;
    const child = spawn(
      binary!,
      [
        `--config.file=${path.join(dir, 'alertmanager.yml')}`,
        `--storage.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=', // no gossip: a single, isolated instance
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    // If this process dies without running teardown, still take Alertmanager with it.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    t.teardown(async () => {
      process.removeListener('exit', killOnExit);
      await stop(child);
    });
    let amLog = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      amLog = (amLog + chunk.toString()).slice(-3000);
    });

    // Ready, or a clear failure if it exits (bad config, port taken).
    const readyBy = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`alertmanager exited with ${child.exitCode}:\n${amLog}`);
      const ok = await fetch(`${am}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > readyBy) throw new Error(`alertmanager not ready after ${STEP_TIMEOUT_MS} ms:\n${amLog}`);
      await sleep(POLL_MS);
    }

    const labelsOf = (instance: string) => ({ alertname: 'KlaxonE2E', job: 'node', instance, severity: 'critical' });
    const startsAt: Record<string, string> = {};
    /** Posts alerts by instance; `resolve` ones get endsAt in the past, the rest fire. */
    async function post(fire: string[], resolve: string[] = []) {
      const now = Date.now();
      const body = [
        ...fire.map((i) => {
          startsAt[i] = new Date(now).toISOString();
          return { labels: labelsOf(i), annotations: { summary: `down: ${i}` }, startsAt: startsAt[i] };
        }),
        // Ended just now, but never before it started (Alertmanager refuses that, e.g. right after a re-fire).
        ...resolve.map((i) => ({
          labels: labelsOf(i),
          annotations: { summary: `down: ${i}` },
          startsAt: startsAt[i],
          endsAt: new Date(Math.max(now - 1000, Date.parse(startsAt[i]!) + 1)).toISOString(),
        })),
      ];
      const res = await fetch(`${am}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    }

    async function get<T>(url: string): Promise<T> {
      const res = await fetch(`${base}${url}`, { headers: viewer });
      if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    }
    /** Every incident of this integration, in detail. */
    async function snapshot(): Promise<IncidentDetail[]> {
      const list = await get<IncidentList>(`/v1/incidents?integration=${integration.id}&limit=200`);
      return Promise.all(list.items.map((i) => get<IncidentDetail>(`/v1/incidents/${i.id}`)));
    }
    const describe = (s: IncidentDetail[]) =>
      JSON.stringify(
        s.map((i) => ({
          id: i.id,
          status: i.status,
          firingCount: i.firingCount,
          alertCount: i.alertCount,
          reopenCount: i.reopenCount,
          groupKey: i.groupKey,
          alerts: i.alerts.map((a) => `${a.labels['instance']}=${a.status}`),
          timeline: i.timeline.map((e) => e.kind),
        })),
        null,
        1,
      );
    /** Polls until Klaxon holds the expected state; on timeout shows what it holds. */
    async function until(step: string, ready: (s: IncidentDetail[]) => boolean): Promise<IncidentDetail[]> {
      const deadline = Date.now() + STEP_TIMEOUT_MS;
      for (;;) {
        const s = await snapshot();
        if (ready(s)) return s;
        if (Date.now() > deadline) {
          throw new Error(
            `${step}: Klaxon did not reach the expected state in ${STEP_TIMEOUT_MS} ms. It holds:\n${describe(s)}\nalertmanager log tail:\n${amLog}`,
          );
        }
        await sleep(POLL_MS);
      }
    }
    const open = (s: IncidentDetail[]) => s.filter((i) => i.status !== 'resolved');
    const alertOf = (inc: IncidentDetail, instance: string) => inc.alerts.find((a) => a.labels['instance'] === instance);

    // 1. Fire A and B: one group in Alertmanager → one incident in Klaxon.
    await post(['a', 'b']);
    let s = await until('fire A+B', (s) => open(s)[0]?.firingCount === 2);
    t.equal(s.length, 1, 'exactly one incident for the group');
    const inc = s[0]!;
    t.match(inc, { status: 'triggered', firingCount: 2, alertCount: 2, severity: 'SEV2', groupKey: 'klaxon:{}:{alertname="KlaxonE2E"}' });
    // Identities are the fingerprints Alertmanager itself gave the alerts.
    const amAlerts = await fetch(`${am}/api/v2/alerts`).then(
      (r) => r.json() as Promise<{ fingerprint: string; labels: Record<string, string> }[]>,
    );
    const fingerprint = Object.fromEntries(amAlerts.map((a) => [a.labels['instance'], a.fingerprint]));
    t.equal(inc.alerts.length, 2, 'both alerts listed'); // so the checks below run for each
    for (const a of inc.alerts) {
      t.match(a.identity, /^[0-9a-f]{16}$/, `alert ${a.labels['instance']} keyed by a 16-hex fingerprint`);
      t.equal(a.identity, fingerprint[a.labels['instance']!], `alert ${a.labels['instance']} keyed by Alertmanager's fingerprint`);
    }
    const identities = inc.alerts.map((a) => a.identity).sort();

    // 2. Resolve A: Alertmanager sends the group with A resolved and B firing.
    await post([], ['a']);
    s = await until('resolve A', (s) => s[0]?.firingCount === 1);
    t.equal(s.length, 1, 'still one incident');
    t.match(s[0], { id: inc.id, status: 'triggered', firingCount: 1, alertCount: 2 }, 'open while B fires');
    t.equal(alertOf(s[0]!, 'a')?.status, 'resolved', 'A resolved');
    t.equal(alertOf(s[0]!, 'b')?.status, 'firing', 'B still firing');

    // 3. Re-fire A with a new startsAt: new to Alertmanager, the same alert (fingerprint) to Klaxon.
    await post(['a']);
    s = await until('re-fire A', (s) => s.some((i) => i.firingCount === 2) || s.length > 1);
    t.equal(s.length, 1, 'no second incident');
    t.match(s[0], { id: inc.id, status: 'triggered', firingCount: 2, alertCount: 2, reopenCount: 0 }, 'the same incident, never resolved');
    t.equal(alertOf(s[0]!, 'a')?.status, 'firing', 'A firing again');
    t.same(s[0]!.alerts.map((a) => a.identity).sort(), identities, 'the re-fire kept its identity');

    // 4. Resolve both: the incident resolves, and nothing else is open.
    await post([], ['a', 'b']);
    s = await until('resolve all', (s) => s.find((i) => i.id === inc.id)?.status === 'resolved');
    t.equal(s.length, 1, 'still just the one incident');
    t.match(s[0], { id: inc.id, status: 'resolved', firingCount: 0, alertCount: 2, reopenCount: 0 });
    t.ok(s[0]!.resolvedAt, 'resolvedAt set');
    t.same(open(s), [], 'no open incident left');
    t.same(
      s[0]!.alerts.map((a) => a.status),
      ['resolved', 'resolved'],
    );
    t.same(
      s[0]!.timeline.map((e) => e.kind).filter((k) => !k.startsWith('escalat')),
      ['created', 'alert_fired', 'alert_resolved', 'alert_fired', 'alert_resolved', 'alert_resolved', 'resolved'],
      'the timeline tells the story once',
    );

    // The audit copies show what Alertmanager really sent: every delivery accepted, and
    // each alert carried its fingerprint (so Klaxon never fell back to computing one).
    const deliveries = await handle.db
      .selectFrom('deliveries')
      .select(['status_code', 'body'])
      .where('integration_id', '=', integration.id)
      .execute();
    t.ok(deliveries.length >= 4, `at least one delivery per step (got ${deliveries.length})`);
    t.same(
      deliveries.filter((d) => d.status_code !== 200),
      [],
      'every delivery accepted',
    );
    const sent = deliveries.flatMap(
      (d) => (JSON.parse(d.body) as { alerts: { fingerprint?: string; labels: Record<string, string> }[] }).alerts,
    );
    t.same(
      sent.filter((a) => a.fingerprint !== fingerprint[a.labels['instance']!]),
      [],
      "every delivered alert carried Alertmanager's fingerprint",
    );
  },
);
