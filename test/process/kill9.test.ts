/**
 * A 2xx means stored: a sender that retries until it gets a 2xx (as Alertmanager
 * does) loses nothing when Klaxon is killed with SIGKILL mid-stream and restarted.
 */
import t from 'tap';
import { freshDatabase, queryUrl } from '../helper.js';
import { type Running, startServer } from './server-process.js';

const ADMIN = 'klx_test_admin_key_kill9_0123456789abcdef';
const ALERTS = 60;

const body = (i: number) =>
  JSON.stringify({
    receiver: 'klaxon',
    status: 'firing',
    groupKey: `{}:{alertname="A${i % 5}"}`,
    alerts: [
      {
        status: 'firing',
        labels: { alertname: `A${i % 5}`, n: String(i) },
        startsAt: '2026-11-22T10:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
      },
    ],
  });

t.test('SIGKILL under a retrying sender: every alert that got a 2xx is stored, and retries store the rest', async (t) => {
  const { url } = await freshDatabase(t);
  let server: Running = await startServer({ DATABASE_URL: url, KLAXON_ADMIN_KEY: ADMIN });
  t.teardown(() => server.proc.kill('SIGKILL'));
  const res = await fetch(`${server.base}/v1/integrations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'am', kind: 'alertmanager' }),
  });
  const { key } = (await res.json()) as { key: string };
  const port = new URL(server.base).port;

  const acknowledged = new Set<number>();
  let failures = 0;
  // The sender: each alert is retried until a 2xx; the server's port is reused after the restart.
  const send = async (i: number) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        const r = await fetch(`${server.base}/v1/webhooks/alertmanager/${key}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: body(i),
          signal: AbortSignal.timeout(5000),
        });
        if (r.status >= 200 && r.status < 300) {
          acknowledged.add(i);
          return;
        }
        failures++;
      } catch {
        failures++;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const sender = (async () => {
    for (let i = 0; i < ALERTS; i++) {
      await Promise.all([send(i), send(i)]); // an HA pair: every alert sent twice, concurrently
      await new Promise((r) => setTimeout(r, 15));
    }
  })();

  // Kill once some alerts are through, then restart on the same port and database.
  while (acknowledged.size < ALERTS / 3) await new Promise((r) => setTimeout(r, 20));
  server.proc.kill('SIGKILL');
  t.equal(await server.exit, null, 'killed by the signal');
  const storedAtKill = new Set(acknowledged);
  server = await startServer({ DATABASE_URL: url, KLAXON_ADMIN_KEY: ADMIN, PORT: port });
  await sender;

  const rows = await queryUrl(url, `select labels->>'n' as n, receive_count from alerts`);
  const stored = new Set(rows.map((r) => Number(r.n)));
  t.ok(failures > 0, `the sender saw the outage (${failures} failed attempts)`);
  t.same(
    [...storedAtKill].filter((i) => !stored.has(i)),
    [],
    'every alert acknowledged before the kill is stored',
  );
  t.equal(acknowledged.size, ALERTS, 'retries got every alert through');
  t.same(
    [...acknowledged].filter((i) => !stored.has(i)),
    [],
    'every acknowledged alert is stored',
  );
  const incidents = await queryUrl(url, `select count(*)::int as n from incidents`);
  t.equal(incidents[0]!.n, 5, 'one incident per group, despite duplicates and the kill');
});
