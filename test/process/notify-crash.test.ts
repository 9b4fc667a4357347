/**
 * A page that was due is sent even if a process died in between, and sent once:
 * killed after committing the page but before any runner sent it; killed mid-send.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import t from 'tap';
import { openTestDatabase } from '../helper.js';
import { makeIncident, notifications } from '../support/notify.js';
import { startSmtp } from '../support/receivers.js';
import { startServer } from './server-process.js';

const ADMIN = 'klx_test_admin_key_notify_crash_0123456789';
const until = async (what: string, check: () => Promise<boolean> | boolean) => {
  for (let i = 0; i < 3000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

t.test('killed after queueing, before sending: the restarted server sends the page once', async (t) => {
  const { db, url } = await openTestDatabase(t);
  const smtp = await startSmtp(t);
  const incident = await makeIncident(db);

  const child = spawn(process.execPath, ['--import', 'tsx', 'test/process/notify-enqueue-child.ts'], {
    env: { ...process.env, DATABASE_URL: url, INCIDENT_ID: incident.id },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await until('the child to queue', () => out.includes('QUEUED'));
  child.kill('SIGKILL');
  await exited;
  const now1 = await notifications(db);
  t.equal(now1.length, 1, 'exactly one notification');
  t.match(now1, [{ status: 'pending', attempts: 0 }], 'queued, not sent, when the process died');

  const server = await startServer({ DATABASE_URL: url, KLAXON_ADMIN_KEY: ADMIN, SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
  t.teardown(() => server.proc.kill('SIGKILL'));
  await until('the page', async () => (await notifications(db))[0]!.status === 'sent');
  t.equal(smtp.mails.length, 1, 'sent once');
  t.equal(smtp.mails[0]!.headers.get('x-klaxon-incident'), incident.id);
  server.proc.kill('SIGTERM');
  t.equal(await server.exit, 0);
  t.equal(smtp.mails.length, 1, 'still once after a clean stop');
});

t.test('killed mid-send: once the claim expires, the restarted server sends it, once', async (t) => {
  const { db, url } = await openTestDatabase(t);
  const smtp = await startSmtp(t);
  // An SMTP server that accepts connections and never answers: the send hangs.
  const sockets: Socket[] = [];
  const stall = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => stall.close(() => resolve()));
  });
  const incident = await makeIncident(db);
  const env = { DATABASE_URL: url, KLAXON_ADMIN_KEY: ADMIN, KLAXON_NOTIFY_TIMEOUT_MS: '1000' };

  const first = await startServer({ ...env, SMTP_URL: `smtp://127.0.0.1:${(stall.address() as AddressInfo).port}` });
  t.teardown(() => first.proc.kill('SIGKILL'));
  const { queueNotifications } = await import('../../src/notify/outbox.js');
  await db.transaction().execute((trx) =>
    queueNotifications(trx, [
      {
        incidentId: incident.id,
        cycle: 0,
        step: 0,
        channel: 'email',
        target: 'email:a@example.com',
        address: 'a@example.com',
        purpose: 'page',
      },
    ]),
  );
  await until('the send to start', async () => (await notifications(db))[0]!.status === 'sending');
  first.proc.kill('SIGKILL');
  await first.exit;
  const now2 = await notifications(db);
  t.equal(now2.length, 1, 'exactly one notification');
  t.match(now2, [{ status: 'sending', attempts: 1 }], 'claimed and mid-send when the process died');

  const second = await startServer({ ...env, SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
  t.teardown(() => second.proc.kill('SIGKILL'));
  await until('the page', async () => (await notifications(db))[0]!.status === 'sent');
  t.equal(smtp.mails.length, 1, 'sent once');
  const [row] = await notifications(db);
  t.equal(row!.attempts, 2);
  const attempts = await db
    .selectFrom('notification_attempts')
    .selectAll()
    .where('notification_id', '=', row!.id)
    .orderBy('attempt')
    .execute();
  t.equal(attempts.length, 2, 'no more and no fewer');
  t.match(attempts, [
    { attempt: 1, outcome: 'retryable', error: /stopped before recording/ },
    { attempt: 2, outcome: 'sent' },
  ]);
});
