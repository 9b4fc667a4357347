import Fastify, { type LightMyRequestResponse } from 'fastify';
import t, { type Test } from 'tap';
import problemDetails, { frameworkErrors } from '../../src/plugins/problem-details.js';
import { buildTestApp, createIntegration } from '../helper.js';

// Whatever a query or path holds, the answer is a 4xx problem naming it, never a 500:
// integers beyond what PostgreSQL's bigint (and a JS number) can hold, cursors with
// dates PostgreSQL refuses, and path parameters longer than the router takes.

const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const ID = '00000000-0000-4000-8000-000000000001';
const HUGE = '99999999999999999999';

t.test('out-of-range integers and cursors are 400 problems with a path', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const integration = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  const get = (url: string) => app.inject({ url, headers: admin });

  const cases: Array<[url: string, path: string]> = [
    [`/v1/incidents?limit=${HUGE}`, '/query/limit'],
    [`/v1/incidents?limit=-${HUGE}`, '/query/limit'],
    ['/v1/incidents?limit=1e21', '/query/limit'],
    ['/v1/incidents?limit=9223372036854775808', '/query/limit'],
    [`/v1/incidents?cursor=${enc({ openedAt: '0000-01-01T00:00:00Z', id: ID })}`, '/query/cursor'],
    [`/v1/incidents?cursor=${enc({ openedAt: '+300000-01-01T00:00:00Z', id: ID })}`, '/query/cursor'],
    [`/v1/incidents?cursor=${enc({ openedAt: '-005000-01-01T00:00:00Z', id: ID })}`, '/query/cursor'],
    [`/v1/incidents?cursor=${enc({ openedAt: 'NaN', id: ID })}`, '/query/cursor'],
    [`/v1/incidents?cursor=${enc({ openedAt: 1e21, id: ID })}`, '/query/cursor'],
    [`/v1/integrations/${integration.id}/deliveries?before=${HUGE}`, '/query/before'],
    [`/v1/integrations/${integration.id}/deliveries?before=9223372036854775807`, '/query/before'],
    [`/v1/integrations/${integration.id}/deliveries?before=9223372036854775808`, '/query/before'],
    [`/v1/integrations/${integration.id}/deliveries?before=1${'0'.repeat(30)}`, '/query/before'],
    [`/v1/integrations/${integration.id}/deliveries?before=1e21`, '/query/before'],
    [`/v1/integrations/${integration.id}/deliveries?before=1&before=${HUGE}`, '/query/before'],
    [`/v1/integrations/${integration.id}/deliveries?limit=${HUGE}`, '/query/limit'],
    ['/v1/silences?state=forever', '/query/state'],
    [`/v1/api-keys?includeRevoked=${HUGE}`, '/query/includeRevoked'],
    // NUL in any query or path parameter (PostgreSQL text cannot hold it), once or repeated.
    ['/v1/incidents?service=%00', '/query/service'],
    ['/v1/incidents?integration=a%00', '/query/integration'],
    ['/v1/incidents?service=a&service=%00', '/query/service'],
    ['/v1/incidents/1%00', '/params/id'],
  ];
  for (const [url, path] of cases) {
    const res = await get(url);
    t.equal(res.statusCode, 400, `${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${url}: problem+json`);
    t.ok(
      res.json().errors?.some((e: { path: string }) => e.path === path),
      `${url}: an error at ${path}`,
    );
  }

  // The edges that fit still work.
  for (const url of [
    `/v1/integrations/${integration.id}/deliveries?before=9007199254740991`,
    `/v1/incidents?cursor=${enc({ openedAt: '0001-01-01T00:00:00Z', id: ID })}`,
    `/v1/incidents?cursor=${enc({ openedAt: '9999-12-31T23:59:59.999999Z', id: ID })}`,
  ]) {
    const res = await get(url);
    t.equal(res.statusCode, 200, `${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
});

const LONG = 'k'.repeat(600);

/** A 414 problem that carries its request id and never echoes the long parameter. */
function checkUriTooLong(t: Test, res: LightMyRequestResponse, label: string, opts: { todo?: string } = {}) {
  t.equal(res.statusCode, 414, `${label}: ${res.statusCode} ${res.body.slice(0, 120)}`, opts);
  t.match(res.headers['content-type'], /^application\/problem\+json/, `${label}: problem+json`, opts);
  const body = (() => {
    try {
      return res.json() as Record<string, unknown>;
    } catch {
      return {};
    }
  })();
  t.equal(body.code, 'KLX_URI_TOO_LONG', `${label}: code`, opts);
  t.ok(
    typeof body.requestId === 'string' && body.requestId === res.headers['x-request-id'],
    `${label}: requestId in body and header`,
    opts,
  );
  t.notOk(res.body.includes(LONG.slice(0, 100)), `${label}: the parameter is not echoed`, opts);
}

t.test('a path parameter longer than the router takes: 414 problem with a request id, nothing echoed', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const viewer = await auth('viewer');
  for (const [method, url] of [
    ['GET', `/v1/incidents/${LONG}`],
    ['POST', `/v1/webhooks/alertmanager/${LONG}`],
    ['GET', `/v1/heartbeats/${LONG}`],
  ] as const) {
    const res = await app.inject({ method, url, headers: { ...viewer, 'x-request-id': 'req-414' } });
    checkUriTooLong(t, res, `${method} ${url.slice(0, 40)}…`);
  }
  const res = await app.inject({ method: 'POST', url: `/v1/webhooks/alertmanager/klx_${LONG.slice(0, 20)}%zz`, payload: '{}' });
  t.notOk(res.body.includes(`klx_${LONG.slice(0, 20)}`), 'an undecodable key is not echoed either');
});

t.test('the frameworkErrors handler renders router errors as problems', async (t) => {
  const app = Fastify({ routerOptions: { maxParamLength: 512 }, frameworkErrors });
  t.teardown(() => app.close());
  await app.register(problemDetails);
  app.post('/v1/webhooks/alertmanager/:key', async () => ({ ok: true }));
  app.get('/v1/incidents/:id', async () => ({ ok: true }));
  for (const [method, url] of [
    ['GET', `/v1/incidents/${LONG}`],
    ['POST', `/v1/webhooks/alertmanager/${LONG}`],
  ] as const) {
    checkUriTooLong(t, await app.inject({ method, url }), `${method} ${url.slice(0, 40)}…`);
  }
  const webhook = await app.inject({ method: 'POST', url: `/v1/webhooks/alertmanager/${LONG}` });
  t.equal(webhook.json().instance, '/v1/webhooks/alertmanager/<redacted>', 'the key is redacted in instance');
  const bad = await app.inject({ method: 'POST', url: '/v1/webhooks/alertmanager/klx_secret%zz' });
  t.equal(bad.statusCode, 404, 'an undecodable URL is no route');
  t.match(bad.headers['content-type'], /^application\/problem\+json/);
  t.notOk(bad.body.includes('klx_secret'), 'and its key is not echoed');
  t.equal(bad.json().requestId, bad.headers['x-request-id']);
});
