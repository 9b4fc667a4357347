import { sql } from 'kysely';
import t from 'tap';
import { buildTestApp } from '../helper.js';

t.test('admin creates, lists and revokes keys; the secret is shown once', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const admin = await auth('admin');

  const created = await app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: admin,
    payload: { name: 'grafana', role: 'viewer' },
  });
  t.equal(created.statusCode, 201);
  const body = created.json();
  t.match(body, { name: 'grafana', role: 'viewer', key: /^klx_[\w-]{43}$/, prefix: body.key.slice(0, 12) });

  const stored = await handle.db.selectFrom('api_keys').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
  t.not(stored.key_hash, body.key, 'only a hash is stored');
  t.notOk(JSON.stringify(stored).includes(body.key), 'the secret appears nowhere in the row');

  const list = await app.inject({ url: '/v1/api-keys', headers: admin });
  t.equal(list.statusCode, 200);
  const listed = list.json().items.find((k: { id: string }) => k.id === body.id);
  t.match(listed, { name: 'grafana', role: 'viewer', revokedAt: null });
  t.notOk(list.body.includes(body.key), 'listing never returns a secret');
  t.notOk('key' in listed);

  const viewer = { authorization: `Bearer ${body.key}` };
  t.equal((await app.inject({ url: '/v1/api-keys', headers: viewer })).statusCode, 403, 'viewer cannot list keys');

  const del = await app.inject({ method: 'DELETE', url: `/v1/api-keys/${body.id}`, headers: admin });
  t.equal(del.statusCode, 204);
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/api-keys/${body.id}`, headers: admin })).statusCode, 204, 'idempotent');
  t.equal((await app.inject({ url: '/v1/api-keys', headers: viewer })).statusCode, 401, 'a revoked key no longer authenticates');

  const active = (await app.inject({ url: '/v1/api-keys', headers: admin })).json().items;
  t.notOk(
    active.some((k: { id: string }) => k.id === body.id),
    'revoked keys are hidden by default',
  );
  const all = (await app.inject({ url: '/v1/api-keys?includeRevoked=true', headers: admin })).json().items;
  t.ok(all.find((k: { id: string; revokedAt: string | null }) => k.id === body.id)?.revokedAt);
});

t.test('authentication and roles', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const none = await app.inject({ url: '/v1/api-keys' });
  t.equal(none.statusCode, 401);
  t.equal(none.headers['www-authenticate'], 'Bearer realm="klaxon"');
  t.match(none.json(), { code: 'KLX_UNAUTHENTICATED', status: 401, type: 'urn:klaxon:problem:unauthenticated' });
  for (const authorization of ['Bearer nope', 'Basic Zm9vOmJhcg==', 'Bearer ', `Bearer ${'x'.repeat(600)}`]) {
    const res = await app.inject({ url: '/v1/api-keys', headers: { authorization } });
    t.equal(res.statusCode, 401, `401 for ${authorization.slice(0, 20)}`);
  }
  const responder = await auth('responder');
  const res = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: responder, payload: { name: 'x', role: 'admin' } });
  t.equal(res.statusCode, 403);
  t.match(res.json(), { code: 'KLX_FORBIDDEN', detail: /admin/ });
});

t.test('bad input is a 400 problem naming the field, and nothing is stored', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const cases: [unknown, string][] = [
    [{ name: 'x', role: 'root' }, '/body/role'],
    [{ name: 42, role: 'viewer' }, '/body/name'],
    [{ name: '', role: 'viewer' }, '/body/name'],
    [{ role: 'viewer' }, '/body/name'],
    [{ name: 'x', role: 'viewer', extra: 1 }, '/body/extra'],
    [[{ name: 'x', role: 'viewer' }], '/body'],
    [{ name: 'a\u0000b', role: 'viewer' }, '/body/name'],
  ];
  for (const [payload, path] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: admin, payload: payload as object });
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.match(res.headers['content-type'], /^application\/problem\+json/);
    t.ok(
      res.json().errors.some((e: { path: string }) => e.path === path),
      `error path ${path} in ${res.body}`,
    );
  }
  const badId = await app.inject({ method: 'DELETE', url: '/v1/api-keys/not-a-uuid', headers: admin });
  t.equal(badId.statusCode, 400);
  t.strictSame(
    badId.json().errors.map((e: { path: string }) => e.path),
    ['/params/id'],
  );
  const missing = await app.inject({ method: 'DELETE', url: '/v1/api-keys/00000000-0000-4000-8000-000000000000', headers: admin });
  t.equal(missing.statusCode, 404);
  const { n } = await handle.db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  t.equal(n, 1, 'only the test admin key exists');
});

t.test('the last active admin key cannot be revoked', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const { id } = await handle.db.selectFrom('api_keys').select('id').executeTakeFirstOrThrow();
  const res = await app.inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: admin });
  t.equal(res.statusCode, 409);
  t.match(res.json(), { code: 'KLX_LAST_ADMIN_KEY' });
  const again = await app.inject({ url: '/v1/api-keys', headers: admin });
  t.equal(again.statusCode, 200, 'the key still works');
});

t.test('last use is recorded', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  await app.inject({ url: '/v1/api-keys', headers: admin });
  const row = await handle.db.selectFrom('api_keys').select('last_used_at').executeTakeFirstOrThrow();
  t.ok(row.last_used_at instanceof Date);
  const age = await sql<{ s: number }>`select extract(epoch from now() - ${row.last_used_at})::float8 as s`.execute(handle.db);
  t.ok(age.rows[0]!.s < 60);
});
