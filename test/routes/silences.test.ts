import t from 'tap';
import { buildTestApp } from '../helper.js';

const MISSING = '00000000-0000-4000-8000-000000000000';
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const matcher = (name: string, value: string, extra: { isRegex?: boolean; isEqual?: boolean } = {}) => ({ name, value, ...extra });

t.test('authentication and roles', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const viewer = await auth('viewer');
  const payload = { matchers: [matcher('service', 'db')], endsAt: inMinutes(60), comment: 'x' };

  const none = await app.inject({ method: 'POST', url: '/v1/silences', payload });
  t.equal(none.statusCode, 401);
  t.equal(none.json().code, 'KLX_UNAUTHENTICATED');
  t.equal((await app.inject({ url: '/v1/silences' })).statusCode, 401);
  t.equal((await app.inject({ url: `/v1/silences/${MISSING}` })).statusCode, 401);
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/silences/${MISSING}` })).statusCode, 401);

  const post = await app.inject({ method: 'POST', url: '/v1/silences', headers: viewer, payload });
  t.equal(post.statusCode, 403);
  t.equal(post.json().code, 'KLX_FORBIDDEN');
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/silences/${MISSING}`, headers: viewer })).statusCode, 403);
  const list = await app.inject({ url: '/v1/silences', headers: viewer });
  t.equal(list.statusCode, 200);
  t.strictSame(list.json(), { items: [] }, 'the viewer may read; nothing was created');
});

t.test('a responder creates, reads, lists and expires a silence', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const responder = await auth('responder');
  const viewer = await auth('viewer');
  const startsAt = inMinutes(-5);
  const endsAt = inMinutes(120);
  const before = Date.now();

  const created = await app.inject({
    method: 'POST',
    url: '/v1/silences',
    headers: responder,
    payload: {
      matchers: [
        matcher('service', 'db'),
        matcher('env', 'prod|staging', { isRegex: true }),
        matcher('severity', 'critical', { isEqual: false }),
      ],
      startsAt,
      endsAt,
      comment: 'database maintenance',
    },
  });
  t.equal(created.statusCode, 201, created.body);
  const silence = created.json();
  t.equal(created.headers.location, `/v1/silences/${silence.id}`);
  t.match(silence.id, /^[0-9a-f-]{36}$/);
  t.ok(Date.parse(silence.startsAt) >= before, 'a start in the past is moved to now');
  t.ok(Date.parse(silence.createdAt) >= before);
  t.strictSame(
    { ...silence, id: 'ID', startsAt: 'S', createdAt: 'C' },
    {
      id: 'ID',
      matchers: [
        { name: 'service', value: 'db', isRegex: false, isEqual: true },
        { name: 'env', value: 'prod|staging', isRegex: true, isEqual: true },
        { name: 'severity', value: 'critical', isRegex: false, isEqual: false },
      ],
      startsAt: 'S',
      endsAt: new Date(endsAt).toISOString(),
      comment: 'database maintenance',
      createdBy: 'test responder',
      createdAt: 'C',
      status: 'active',
    },
  );

  const pending = (
    await app.inject({
      method: 'POST',
      url: '/v1/silences',
      headers: responder,
      payload: { matchers: [matcher('service', 'web')], startsAt: inMinutes(30), endsAt: inMinutes(90), comment: 'later' },
    })
  ).json();
  t.equal(pending.status, 'pending');

  const got = await app.inject({ url: `/v1/silences/${silence.id}`, headers: viewer });
  t.equal(got.statusCode, 200);
  t.strictSame(got.json(), silence);

  const ids = async (query = '') =>
    (await app.inject({ url: `/v1/silences${query}`, headers: viewer })).json().items.map((s: { id: string }) => s.id);
  t.strictSame(await ids(), [silence.id, pending.id], 'default: active, then pending');
  t.strictSame(await ids('?state=active'), [silence.id]);
  t.strictSame(await ids('?state=pending'), [pending.id]);
  t.strictSame(await ids('?state=expired'), []);

  const del = await app.inject({ method: 'DELETE', url: `/v1/silences/${silence.id}`, headers: responder });
  t.equal(del.statusCode, 204);
  t.equal(del.body, '');
  const expired = (await app.inject({ url: `/v1/silences/${silence.id}`, headers: viewer })).json();
  t.equal(expired.status, 'expired');
  t.ok(Date.parse(expired.endsAt) < Date.parse(endsAt), 'endsAt moved to the expiry time');
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/silences/${silence.id}`, headers: responder })).statusCode, 204, 'idempotent');
  t.strictSame((await app.inject({ url: `/v1/silences/${silence.id}`, headers: viewer })).json(), expired, 'unchanged by a second expiry');

  t.strictSame(await ids(), [pending.id], 'expired ones leave the default list');
  t.strictSame(await ids('?state=expired'), [silence.id]);
  t.strictSame(await ids('?state=all'), [pending.id, silence.id]);
});

t.test('bad input is a 400 problem naming the field, and nothing is stored', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const responder = await auth('responder');
  const ok = { matchers: [matcher('service', 'db')], endsAt: inMinutes(60), comment: 'x' };
  const cases: [string, unknown, { path: string; message?: string }[]][] = [
    [
      'bad regex',
      { ...ok, matchers: [matcher('a', '(', { isRegex: true })] },
      [{ path: '/body/matchers/0/value', message: 'invalid regex: missing closing ): `(`' }],
    ],
    [
      'lookaround',
      { ...ok, matchers: [matcher('service', 'db'), matcher('a', '(?=a)', { isRegex: true })] },
      [{ path: '/body/matchers/1/value', message: 'lookaround `(?=` is not supported: regexes use RE2 syntax, as Alertmanager does' }],
    ],
    [
      'backreference',
      { ...ok, matchers: [matcher('a', '(a)\\1', { isRegex: true })] },
      [{ path: '/body/matchers/0/value', message: 'backreference `\\1` is not supported: regexes use RE2 syntax, as Alertmanager does' }],
    ],
    [
      'endsAt before startsAt',
      { ...ok, startsAt: inMinutes(30), endsAt: inMinutes(10) },
      [{ path: '/body/endsAt', message: 'must be after startsAt' }],
    ],
    [
      'endsAt in the past',
      { ...ok, startsAt: inMinutes(-30), endsAt: inMinutes(-10) },
      [{ path: '/body/endsAt', message: 'must be in the future' }],
    ],
    [
      'every matcher matches ""',
      { ...ok, matchers: [matcher('a', ''), matcher('b', '.*', { isRegex: true }), matcher('c', 'x', { isEqual: false })] },
      [{ path: '/body/matchers', message: 'at least one matcher must not match the empty string, or the silence would mute every alert' }],
    ],
    ['no matchers', { ...ok, matchers: [] }, [{ path: '/body/matchers' }]],
    ['too many matchers', { ...ok, matchers: Array.from({ length: 33 }, (_, i) => matcher(`l${i}`, 'v')) }, [{ path: '/body/matchers' }]],
    ['unknown field', { ...ok, extra: 1 }, [{ path: '/body/extra' }]],
    ['unknown matcher field', { ...ok, matchers: [{ ...matcher('a', 'b'), op: '=' }] }, [{ path: '/body/matchers/0/op' }]],
    ['empty label name', { ...ok, matchers: [matcher('', 'b')] }, [{ path: '/body/matchers/0/name' }]],
    ['value too long', { ...ok, matchers: [matcher('a', 'v'.repeat(1025))] }, [{ path: '/body/matchers/0/value' }]],
    ['isRegex not boolean', { ...ok, matchers: [{ ...matcher('a', 'b'), isRegex: 'yes' }] }, [{ path: '/body/matchers/0/isRegex' }]],
    ['missing endsAt', { matchers: ok.matchers, comment: 'x' }, [{ path: '/body/endsAt' }]],
    ['endsAt not a date-time', { ...ok, endsAt: 'tomorrow' }, [{ path: '/body/endsAt' }]],
    ['empty comment', { ...ok, comment: '' }, [{ path: '/body/comment' }]],
    ['NUL in comment', { ...ok, comment: 'a\u0000b' }, [{ path: '/body/comment' }]],
    ['comment too long', { ...ok, comment: 'c'.repeat(1001) }, [{ path: '/body/comment' }]],
  ];
  for (const [name, payload, expected] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/silences', headers: responder, payload: payload as object });
    t.equal(res.statusCode, 400, `${name}: ${res.body}`);
    t.match(res.headers['content-type'], /^application\/problem\+json/);
    const errors = res.json().errors as { path: string; message: string }[];
    t.strictSame(
      [...new Set(errors.map((e) => e.path))],
      expected.map((e) => e.path),
      `${name}: paths`,
    );
    if (expected[0]?.message) t.strictSame(errors, expected, `${name}: exact errors`);
  }

  const badState = await app.inject({ url: '/v1/silences?state=bogus', headers: responder });
  t.equal(badState.statusCode, 400);
  t.strictSame(
    badState.json().errors.map((e: { path: string }) => e.path),
    ['/query/state'],
    'fastify names the part querystring',
  );
  for (const method of ['GET', 'DELETE'] as const) {
    const badId = await app.inject({ method, url: '/v1/silences/not-a-uuid', headers: responder });
    t.equal(badId.statusCode, 400);
    t.strictSame(
      badId.json().errors.map((e: { path: string }) => e.path),
      ['/params/id'],
    );
    const missing = await app.inject({ method, url: `/v1/silences/${MISSING}`, headers: responder });
    t.equal(missing.statusCode, 404);
    t.equal(missing.json().code, 'KLX_SILENCE_NOT_FOUND');
  }
  const { n } = await handle.db
    .selectFrom('silences')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  t.equal(n, 0, 'no silence was stored');
});

t.test('one matcher that does not match "" is enough; odd text is stored safely', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const responder = await auth('responder');
  const res = await app.inject({
    method: 'POST',
    url: '/v1/silences',
    headers: responder,
    payload: {
      matchers: [matcher('a', '.*', { isRegex: true }), matcher('b', '.+', { isRegex: true }), matcher('c', '\ud800')],
      endsAt: inMinutes(10),
      comment: 'lone \udc00 surrogate',
    },
  });
  t.equal(res.statusCode, 201, res.body);
  t.strictSame(
    res.json().matchers.map((m: { value: string }) => m.value),
    ['.*', '.+', '\ufffd'],
  );
  t.equal(res.json().comment, 'lone \ufffd surrogate');
});
