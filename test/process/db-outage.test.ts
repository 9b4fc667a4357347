import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { createApiKey } from '../../src/auth/api-keys.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { migrateJobQueue } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/logger.js';
import { createIntegration } from '../helper.js';

// PostgreSQL stops (fast shutdown) and starts again under a stream of deliveries. Klaxon
// answers 2xx (and has stored the alert) or 503 KLX_UNAVAILABLE with Retry-After — never
// a 500 — is not ready while the database is down, and recovers without a restart.

const SEND_EVERY_MS = 20;
const DOWN_MS = 1500;
/** A sender's pause after a 503: Retry-After says 5 s, shortened to keep the test bounded. */
const RETRY_PAUSE_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

interface Attempt {
  status: number;
  retryAfter?: string;
  code?: string;
}

t.test('PostgreSQL restarting under load: 2xx stored or 503 with Retry-After, never 500; recovers by itself', async (t) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'klaxon-outage-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  let pg: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir, port });
  t.teardown(() => pg.stop());

  const handle = openDatabase(pg.url, 10);
  t.teardown(() => handle.close());
  await migrateToLatest(handle.db);
  await migrateJobQueue(handle, createLogger('silent'));
  const app = await buildApp({ config: { ...loadConfig({}), KLAXON_BODY_LIMIT: 1024 * 1024 }, db: handle.db });
  t.teardown(() => app.close());
  const admin = await createApiKey(handle.db, { name: 'outage admin', role: 'admin' });
  const integration = await createIntegration(app, { authorization: `Bearer ${admin.key}` }, { name: 'am', kind: 'alertmanager' });

  const fingerprint = (i: number) => (0xf00d0000 + i).toString(16).padStart(16, '0');
  const post = async (i: number): Promise<Attempt> => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/webhooks/alertmanager/${integration.key}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        version: '4',
        receiver: 'r',
        status: 'firing',
        groupKey: `{}:{n="${i}"}`,
        alerts: [
          {
            status: 'firing',
            fingerprint: fingerprint(i),
            labels: { alertname: 'Outage', n: String(i) },
            startsAt: new Date().toISOString(),
          },
        ],
      }),
    });
    const attempt: Attempt = { status: res.statusCode };
    if (res.statusCode >= 400) {
      attempt.retryAfter = res.headers['retry-after'] as string | undefined;
      attempt.code = res.json().code;
    }
    return attempt;
  };

  // One sender per alert, retrying after a 503 as Alertmanager does, until accepted or out of time.
  const attempts: Array<Attempt & { alert: number }> = [];
  const accepted = new Set<number>();
  const deadline = Date.now() + 30_000;
  const send = async (i: number) => {
    while (Date.now() < deadline) {
      const attempt = await post(i);
      attempts.push({ ...attempt, alert: i });
      if (attempt.status < 300) {
        accepted.add(i);
        return;
      }
      if (attempt.status !== 503) return; // anything else is a failure: asserted below
      await sleep(RETRY_PAUSE_MS);
    }
  };

  let running = true;
  let sent = 0;
  const senders: Promise<void>[] = [];
  const stream = (async () => {
    while (running) {
      senders.push(send(sent++));
      await sleep(SEND_EVERY_MS);
    }
  })();

  const ready = async () => (await app.inject({ url: '/health/ready' })).statusCode;
  await sleep(800);
  t.equal(await ready(), 200, 'ready before the outage');

  const stopStarted = Date.now();
  await pg.stop();
  const down = await app.inject({ url: '/health/ready' });
  t.equal(down.statusCode, 503, 'not ready while the database is down');
  t.equal(down.headers['retry-after'], '5', 'readiness carries Retry-After too');
  await sleep(DOWN_MS);
  t.equal(await ready(), 503, 'still not ready later in the outage');

  pg = await startEmbeddedPostgres({ dataDir, port });
  const restarted = Date.now();
  let readyAgain = await ready();
  while (readyAgain !== 200 && Date.now() - restarted < 10_000) {
    await sleep(50);
    readyAgain = await ready();
  }
  t.equal(readyAgain, 200, `ready again ${Date.now() - restarted} ms after the restart (down ${restarted - stopStarted} ms)`);

  await sleep(800);
  running = false;
  await stream;
  await Promise.all(senders);

  const firstAttempts = new Map<number, Attempt>();
  for (const a of attempts) if (!firstAttempts.has(a.alert)) firstAttempts.set(a.alert, a);
  const unavailable = attempts.filter((a) => a.status === 503);
  const other = attempts.filter((a) => a.status >= 300 && a.status !== 503);
  t.same(other, [], 'no answer but 2xx or 503');
  t.ok(unavailable.length > 0, 'the outage was seen by some deliveries');
  t.ok(
    unavailable.every((a) => a.code === 'KLX_UNAVAILABLE' && a.retryAfter === '5'),
    'every 503 is KLX_UNAVAILABLE with Retry-After: 5',
  );

  const stored = new Set(
    (await handle.db.selectFrom('alerts').select('identity').where('integration_id', '=', integration.id).execute()).map((r) => r.identity),
  );
  const lost = [...accepted].filter((i) => !stored.has(fingerprint(i)));
  t.same(lost, [], 'every accepted alert is stored');
  t.equal(accepted.size, sent, 'with retries, every alert was eventually accepted');

  // The last deliveries came after the restart: accepted first time, the app never restarted.
  const late = [...firstAttempts.entries()].filter(([i]) => i >= sent - 10).map(([, a]) => a.status);
  t.same([...new Set(late)], [200], 'deliveries succeed again after the restart');
  const firstTry503 = [...firstAttempts.values()].filter((a) => a.status === 503).length;
  t.comment(
    `sent ${sent} alerts in ${attempts.length} attempts: ${accepted.size} accepted and stored, ` +
      `${unavailable.length} answers were 503 (${firstTry503} alerts refused on the first try), 0 other`,
  );
});
