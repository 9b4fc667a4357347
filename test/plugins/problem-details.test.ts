import t from 'tap';
import { buildTestApp } from '../helper.js';

const isProblem = /^application\/problem\+json/;

t.test('transport-level bad input gets a 4xx problem', async (t) => {
  const { app, auth } = await buildTestApp(t, { bodyLimit: 4096 });
  const admin = await auth('admin');
  const post = (payload: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/api-keys', headers: { ...admin, 'content-type': 'application/json', ...headers }, payload });

  const cases: [string, Awaited<ReturnType<typeof post>>, number, string][] = [
    ['unknown route', await app.inject({ url: '/v1/nope?x=1' }), 404, 'KLX_ROUTE_NOT_FOUND'],
    ['malformed JSON', await post('{"name": "x", '), 400, 'KLX_MALFORMED_BODY'],
    ['empty JSON body', await post(''), 400, 'KLX_MALFORMED_BODY'],
    ['too large', await post(JSON.stringify({ name: 'x'.repeat(10_000), role: 'viewer' })), 413, 'KLX_PAYLOAD_TOO_LARGE'],
    ['wrong media type', await post('name=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'KLX_UNSUPPORTED_MEDIA_TYPE'],
    ['prototype pollution', await post('{"name":"x","role":"viewer","__proto__":{"admin":true}}'), 400, 'KLX_MALFORMED_BODY'],
    ['deep nesting', await post('['.repeat(2000) + ']'.repeat(2000)), 400, 'KLX_MALFORMED_BODY'],
  ];
  for (const [name, res, status, code] of cases) {
    t.equal(res.statusCode, status, `${name}: status`);
    t.match(res.headers['content-type'], isProblem, `${name}: content type`);
    t.match(res.json(), { status, code, type: /^urn:klaxon:problem:/, title: String, requestId: String }, `${name}: body`);
  }
  t.equal(cases[0]![1].json().instance, '/v1/nope', 'instance is the path without the query');
});

t.test('unauthenticated requests are refused before their body is read', async (t) => {
  const { app } = await buildTestApp(t, { bodyLimit: 4096 });
  const res = await app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    payload: 'x'.repeat(100_000),
    headers: { 'content-type': 'application/json' },
  });
  t.equal(res.statusCode, 401);
});

t.test('request ids: generated, or kept when the caller sends a sane one', async (t) => {
  const { app } = await buildTestApp(t);
  const gen = await app.inject({ url: '/health/live' });
  t.match(gen.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  const kept = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'trace-123' } });
  t.equal(kept.headers['x-request-id'], 'trace-123');
  const hostile = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'a b\u00e9<script>' } });
  t.not(hostile.headers['x-request-id'], 'a b\u00e9<script>');
});

t.test('5xx details are logged, not returned; secrets never reach the log', async (t) => {
  const { app, logged } = await buildTestApp(t, { captureLog: true });
  app.get('/boom', async () => {
    throw new Error('secret internal detail: connection string postgres://u:pw@db');
  });
  const res = await app.inject({ url: '/boom' });
  t.equal(res.statusCode, 500);
  t.match(res.headers['content-type'], isProblem);
  t.match(res.json(), { code: 'KLX_INTERNAL', status: 500 });
  t.notOk(res.body.includes('secret internal detail'), 'no internal detail in the response');
  t.ok(logged().includes('secret internal detail'), 'the detail is in the log');

  const secret = 'klx_ThisIsASecretThatMustNotBeLogged_0123456789ab';
  await app.inject({ url: '/v1/api-keys', headers: { authorization: `Bearer ${secret}` } });
  await app.inject({ url: `/v1/webhooks/alertmanager/${secret}` });
  t.notOk(logged().includes(secret), 'neither the Authorization header nor a path key is logged');
  t.ok(logged().includes('/v1/webhooks/alertmanager/<redacted>'), 'path keys are masked');
});
