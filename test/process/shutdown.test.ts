/**
 * SIGTERM with a keep-alive client mid-request (Alertmanager's Go client keeps its
 * connections open): the request completes, the connection is closed after its answer,
 * and the process stops everything it started — job runner, pool, embedded PostgreSQL —
 * and exits 0 well inside close-with-grace's 10 s.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startServer } from './server-process.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie is gone
  } catch {
    return process.platform !== 'linux'; // no /proc: trust kill 0
  }
}

t.test('SIGTERM during a keep-alive request: it completes, the process stops everything and exits 0', async (t) => {
  // The embedded database: the configuration in which a hang would leave a postgres behind.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'klaxon-shutdown-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const adminKey = 'klx_test_admin_key_0123456789abcdefghij';
  const server = await startServer({
    DATABASE_URL: undefined,
    KLAXON_DATA_DIR: dataDir,
    KLAXON_EMBEDDED_PG_PORT: String(await freePort()),
    KLAXON_ADMIN_KEY: adminKey,
  });
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  t.teardown(() => {
    // Only after a failure is anything still running.
    server.proc.kill('SIGKILL');
    if (alive(postmaster)) process.kill(postmaster, 'SIGQUIT');
  });
  t.ok(alive(postmaster), 'the embedded postgres runs while the server does');

  const agent = new http.Agent({ keepAlive: true }); // no idle timeout: the socket stays open until the server closes it
  t.teardown(() => agent.destroy());
  const body = JSON.stringify({ name: 'in-flight', role: 'viewer' });
  let signalledAt = 0;
  const inFlight = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    const req = http.request(`${server.base}/v1/api-keys`, {
      agent,
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', 'content-length': body.length },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
    });
    req.on('error', reject);
    req.write(body.slice(0, 10)); // headers and part of the body are in; the rest arrives after SIGTERM
    setTimeout(() => {
      signalledAt = Date.now();
      server.proc.kill('SIGTERM');
      setTimeout(() => req.end(body.slice(10)), 300);
    }, 300);
  });

  const result = await inFlight;
  t.equal(result.status, 201, 'the in-flight request completed with its normal status');
  t.match(JSON.parse(result.body), { name: 'in-flight', key: /^klx_/ });
  t.equal(result.connection, 'close', 'the answer tells the client the connection closes');

  const code = await server.exit;
  const ms = Date.now() - signalledAt;
  t.comment(`exited ${ms} ms after SIGTERM (300 ms of which the body was still arriving)`);
  if (code !== 0) t.comment(server.output().slice(-3000));
  t.equal(code, 0, "clean exit, not close-with-grace's forced exit");
  t.ok(ms < 5000, `exited in ${ms} ms (< 5000)`);
  t.match(server.output(), /"signal":"SIGTERM".*shutting down/s);
  t.match(server.output(), '"msg":"stopped"');
  t.notOk(existsSync(pidFile), 'the embedded postgres was stopped: no postmaster.pid remains');
  t.notOk(alive(postmaster), 'no postgres process survives');
});
