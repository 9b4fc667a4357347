/**
 * Secrets stay secret: keys in URL paths never reach a log line or a problem body,
 * whatever form the URL takes; answers carrying secrets are never cached; security
 * headers everywhere; listings show no part of a key a person chose.
 */

import t from 'tap';
import { buildApp } from '../../src/app.js';
import { createApiKey, ensureAdminKey, listApiKeys } from '../../src/auth/api-keys.js';
import { loadConfig } from '../../src/config.js';
import { buildTestApp, createIntegration, openTestDatabase } from '../helper.js';

t.test('a path key is redacted in every log line and never echoed, whatever the URL looks like', async (t) => {
  const { app, auth, logged: log } = await buildTestApp(t, { captureLog: true });
  const admin = await auth('admin');
  const health = await createIntegration(app, admin, { name: 'h', kind: 'health' });
  const beat = await createIntegration(app, admin, { name: 'b', kind: 'heartbeat', heartbeat: { intervalSeconds: 60, graceSeconds: 60 } });
  const key = health.key;
  const encoded = [...key].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');
  const secretRest = key.slice('klx_int_'.length);

  const urls = [
    `/v1/webhooks/health/${key}`,
    `//v1/webhooks/health/${key}`,
    `/v1//webhooks/health/${key}`,
    `/V1/WEBHOOKS/HEALTH/${key}`,
    `/v1/webhooks/Health/${key}?x=1`,
    `/v1/webhooks/health/${encoded}`,
    `/v1/%77ebhooks/health/${key}`,
    `/v1/webhooks/nope/${key}`,
    `/v1/webhooks/health/${key}/extra`,
    `/v1/heartbeats/${beat.key}`,
    `/v1/heartbeats//${beat.key}`,
    `/v1/HEARTBEATS/${beat.key}`,
    `/anything/${key}`,
  ];
  for (const url of urls) {
    for (const method of ['GET', 'POST'] as const) {
      const res = await app.inject({ method, url, payload: method === 'POST' ? { check_id: 'x', status: 'up' } : undefined });
      t.notOk(res.body.includes(secretRest), `${method} ${url.slice(0, 30)}… answer (${res.statusCode}) does not echo the key`);
    }
  }
  const logged = log();
  t.ok(logged.length > 0, 'requests were logged');
  t.notOk(logged.includes(secretRest), 'no log line holds the health key');
  t.notOk(logged.includes(beat.key.slice('klx_int_'.length)), 'no log line holds the heartbeat key');
  t.ok(logged.includes('<redacted>'), 'keys are masked, not dropped silently');
});

t.test('answers that carry secrets are not cached; security headers on every answer', async (t) => {
  const handle = await openTestDatabase(t);
  const app = await buildApp({ config: { ...loadConfig({}), KLAXON_BODY_LIMIT: 1024 * 1024 }, db: handle.db });
  t.teardown(() => app.close());
  const admin = { authorization: `Bearer ${(await createApiKey(handle.db, { name: 'a', role: 'admin' })).key}` };
  const created = await app.inject({
    method: 'POST',
    url: '/v1/integrations',
    headers: admin,
    payload: { name: 's', kind: 'alertmanager', signed: true },
  });
  const rotated = await app.inject({
    method: 'POST',
    url: `/v1/integrations/${created.json().id}/rotate-key`,
    headers: admin,
    payload: {},
  });
  const apiKey = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: admin, payload: { name: 'k', role: 'viewer' } });
  for (const [name, res] of [
    ['integration', created],
    ['rotated key', rotated],
    ['api key', apiKey],
  ] as const) {
    t.equal(res.statusCode < 300, true, `${name}: ${res.statusCode} ${res.body.slice(0, 80)}`);
    t.equal(res.headers['cache-control'], 'no-store', `${name} is not cached`);
  }
  for (const url of ['/health/live', '/v1/incidents', '/openapi.json', '/no/such/route', '/docs']) {
    const res = await app.inject({ url, headers: admin });
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${url} nosniff`);
    t.match(res.headers['content-security-policy'], /frame-ancestors 'none'/, `${url} may not be framed`);
  }
  const docs = await app.inject({ url: '/docs' });
  t.match(docs.headers['content-security-policy'], /default-src 'self'/, '/docs has a content security policy');
  t.notMatch(docs.headers['content-security-policy'], /upgrade-insecure-requests/, 'docs work over plain HTTP');
});

t.test('listings show a short prefix of generated keys and nothing of a chosen admin key', async (t) => {
  const handle = await openTestDatabase(t);
  const chosen = 'my-own-admin-secret-chosen-by-a-person';
  await ensureAdminKey(handle.db, chosen);
  const generated = await createApiKey(handle.db, { name: 'gen', role: 'viewer' });
  const keys = await listApiKeys(handle.db, false);
  const byName = Object.fromEntries(keys.map((k) => [k.name, k.prefix]));
  t.same(byName, { 'admin (KLAXON_ADMIN_KEY)': '', gen: generated.key.slice(0, 12) });
  t.match(generated.key.slice(0, 12), /^klx_[\w-]{8}$/);
});
