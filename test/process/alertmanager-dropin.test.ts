/**
 * Drop-in intake against Debian's real `prometheus-alertmanager` (0.25): one Alertmanager sends the
 * same group through a `pagerduty_configs` receiver (`url` = Klaxon's /v2/enqueue) and an
 * `opsgenie_configs` receiver (`api_url` = Klaxon's base URL, `update_alerts` on, so it also PUTs the
 * message and description). Fire the group, resolve it, and check
 * the incidents Klaxon holds after each step and that Alertmanager counted no failed notification.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Alertmanager's notification counters for one integration, from its /metrics. */
function counter(metrics: string, name: string, integration: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`integration="${integration}"`));
  return line ? Number(line.split(' ').pop()) : Number.NaN;
}

const binary = onPath(BINARY);

t.test(
  'real Alertmanager → Klaxon through pagerduty_configs and opsgenie_configs: fire, resolve, no failures',
  { skip: binary ? false : `${BINARY} not installed (apt-get install prometheus-alertmanager)` },
  async (t) => {
    const { app, handle, auth } = await buildTestApp(t);
    const admin = await auth('admin');
    const pd = await createIntegration(app, admin, { name: 'am via pagerduty', kind: 'pagerduty' });
    const og = await createIntegration(app, admin, { name: 'am via opsgenie', kind: 'opsgenie' });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });

    const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-am-dropin-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      path.join(dir, 'alertmanager.yml'),
      JSON.stringify({
        route: {
          receiver: 'pagerduty',
          group_by: ['alertname'],
          group_wait: '1s',
          group_interval: '1s',
          repeat_interval: '1h',
          routes: [
            { receiver: 'pagerduty', continue: true },
            { receiver: 'opsgenie', continue: true },
          ],
        },
        receivers: [
          // The one setting each changes: the URL (and the key Klaxon gave).
          { name: 'pagerduty', pagerduty_configs: [{ url: `${base}/v2/enqueue`, routing_key: pd.key, severity: 'critical' }] },
          { name: 'opsgenie', opsgenie_configs: [{ api_url: `${base}/`, api_key: og.key, priority: 'P2', update_alerts: true }] },
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
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    t.teardown(async () => {
      process.removeListener('exit', killOnExit);
      await stop(child);
    });
    let amLog = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      amLog = (amLog + chunk.toString()).slice(-4000);
    });
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

    const startsAt = new Date().toISOString();
    const alerts = (ended?: string) =>
      ['a', 'b'].map((instance) => ({
        labels: { alertname: 'DropInE2E', instance, severity: 'critical' },
        annotations: { summary: `down: ${instance}` },
        startsAt,
        ...(ended ? { endsAt: ended } : {}),
      }));
    const post = async (body: unknown) => {
      const res = await fetch(`${am}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    };
    const incidents = (integrationId: string) =>
      handle.db.selectFrom('incidents').selectAll().where('integration_id', '=', integrationId).execute();
    async function until(step: string, ready: () => Promise<boolean>) {
      const deadline = Date.now() + STEP_TIMEOUT_MS;
      while (!(await ready())) {
        if (Date.now() > deadline) {
          const held = JSON.stringify({ pd: await incidents(pd.id), og: await incidents(og.id) });
          throw new Error(`${step}: not reached in ${STEP_TIMEOUT_MS} ms. Klaxon holds ${held}\nalertmanager log:\n${amLog}`);
        }
        await sleep(POLL_MS);
      }
    }

    // 1. Fire the group: one incident through each receiver.
    await post(alerts());
    await until('fire', async () => (await incidents(pd.id)).length === 1 && (await incidents(og.id)).length === 1);
    const [pdIncident] = await incidents(pd.id);
    const [ogIncident] = await incidents(og.id);
    t.match(pdIncident, { status: 'triggered', severity: 'SEV1', title: '[FIRING:2] DropInE2E ' }, 'PagerDuty critical → SEV1');
    t.match(ogIncident, { status: 'triggered', severity: 'SEV2' }, 'Opsgenie P2 → SEV2');
    t.match(pdIncident!.group_key, /^pagerduty:[0-9a-f]{64}$/, "keyed by Alertmanager's SHA-256 group key");
    t.match(ogIncident!.group_key, /^opsgenie:[0-9a-f]{64}$/);
    t.equal(pdIncident!.group_key.split(':')[1], ogIncident!.group_key.split(':')[1], 'both senders use the same group hash');

    // 2. Resolve the group: both incidents resolve.
    await post(alerts(new Date(Date.now() - 1000).toISOString()));
    await until('resolve', async () => {
      const all = [...(await incidents(pd.id)), ...(await incidents(og.id))];
      return all.length === 2 && all.every((i) => i.status === 'resolved');
    });
    t.equal((await incidents(pd.id)).length, 1, 'no second PagerDuty incident');
    t.equal((await incidents(og.id)).length, 1, 'no second Opsgenie incident');

    // Alertmanager counted every notification as delivered.
    const metrics = await fetch(`${am}/metrics`).then((r) => r.text());
    for (const integration of ['pagerduty', 'opsgenie']) {
      t.ok(counter(metrics, 'alertmanager_notifications_total', integration) >= 2, `${integration}: fire and resolve sent`);
      t.equal(counter(metrics, 'alertmanager_notifications_failed_total', integration), 0, `${integration}: no failed notification`);
    }
    const refused = await handle.db
      .selectFrom('deliveries')
      .select(['source', 'status_code', 'body'])
      .where('status_code', '>=', 400)
      .execute();
    t.same(refused, [], 'every delivery accepted');
    const ogActions = await handle.db.selectFrom('deliveries').select('outcome').where('integration_id', '=', og.id).execute();
    const actions = new Set(ogActions.map((d) => (d.outcome as { action?: string }).action));
    t.same([...actions].sort(), ['Close', 'Create', 'UpdateDescription', 'UpdateMessage'], 'what Alertmanager asked of the Opsgenie API');
  },
);
