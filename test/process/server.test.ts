import { spawn } from 'node:child_process';
import http from 'node:http';
import t from 'tap';
import { freshDatabase } from '../helper.js';
import { startServer } from './server-process.js';

t.test('serves over a real socket and shuts down gracefully, finishing in-flight requests', async (t) => {
  const { url } = await freshDatabase(t);
  const adminKey = 'klx_test_admin_key_0123456789abcdefghij';
  const server = await startServer({ DATABASE_URL: url, KLAXON_ADMIN_KEY: adminKey });
  t.teardown(() => server.proc.kill('SIGKILL'));

  const ready = await fetch(`${server.base}/health/ready`);
  t.equal(ready.status, 200);
  const keys = await fetch(`${server.base}/v1/api-keys`, { headers: { authorization: `Bearer ${adminKey}` } });
  t.equal(keys.status, 200);
  const items = ((await keys.json()) as { items: unknown[] }).items;
  t.equal(items.length, 1, 'just the configured admin key');
  t.match(items[0], { name: 'admin (KLAXON_ADMIN_KEY)', role: 'admin' });
  t.notMatch(server.output(), 'An admin API key was created', 'no key is generated when one is configured');
  t.match(server.output(), '(OpenAPI:', 'the banner names the docs');

  // A request whose body is still arriving when SIGTERM comes must complete.
  const body = JSON.stringify({ name: 'in-flight', role: 'viewer' });
  const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(`${server.base}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', 'content-length': body.length },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.write(body.slice(0, 10));
    setTimeout(() => {
      server.proc.kill('SIGTERM');
      setTimeout(() => req.end(body.slice(10)), 300);
    }, 300);
  });
  const result = await inFlight;
  t.equal(result.status, 201, 'the in-flight request completed');
  t.match(JSON.parse(result.body), { name: 'in-flight', key: /^klx_/ });
  t.equal(await server.exit, 0, 'clean exit');
  t.match(server.output(), /"signal":"SIGTERM".*shutting down/s);
  t.match(server.output(), '"msg":"stopped"');
  t.notMatch(server.output(), adminKey, 'the configured admin key is never logged');
});

t.test('without KLAXON_ADMIN_KEY the first start creates an admin key and prints it once', async (t) => {
  const { url } = await freshDatabase(t);
  const first = await startServer({ DATABASE_URL: url });
  t.teardown(() => first.proc.kill('SIGKILL'));
  const key = first.output().match(/store it now:\s+(klx_\S+)/)?.[1];
  t.ok(key, 'a key is printed');
  const res = await fetch(`${first.base}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } });
  t.equal(res.status, 200, 'the printed key is an admin key');
  first.proc.kill('SIGTERM');
  t.equal(await first.exit, 0);

  const second = await startServer({ DATABASE_URL: url });
  t.teardown(() => second.proc.kill('SIGKILL'));
  t.notMatch(second.output(), 'An admin API key was created', 'not printed again');
  second.proc.kill('SIGTERM');
  t.equal(await second.exit, 0);
});

t.test('a bad variable stops start-up with a message naming it', async (t) => {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { ...process.env, PORT: 'eighty' } });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise((resolve) => proc.on('exit', resolve));
  t.equal(code, 2);
  t.match(err, /PORT="eighty": must be an integer/);
});
