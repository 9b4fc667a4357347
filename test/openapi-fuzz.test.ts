/**
 * Fuzzing driven by the OpenAPI document: for every operation, requests built from its
 * documented parameters and body (valid ones, and ones with a part broken on purpose)
 * with every kind of credential. Whatever is sent, the answer is never a 5xx, its status
 * is one the operation documents (or one of UNIVERSAL), and its body validates against
 * the documented schema for that status.
 *
 * Reproduce a run with FUZZ_SEED=<seed printed below>; FUZZ_RUNS sets requests per operation.
 */

import { readdir, readFile } from 'node:fs/promises';
import fc from 'fast-check';
import t from 'tap';
import { buildTestApp, createIntegration } from './helper.js';
import { describeErrors, documentValidators, loadOpenApi, type Operation, operationsOf } from './support/openapi.js';
import { contextFor, invalidValue, mutated, nastyString, validValue } from './support/openapi-arbitraries.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
/** The whole file stays under a minute on two shared cores; operations left when this runs out are skipped, with a comment. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 60_000);

/**
 * Statuses any operation may answer without listing them: they concern the request's
 * transport, not the operation. 404 only as KLX_ROUTE_NOT_FOUND (a fuzzed path segment
 * that no longer matches the route, e.g. an empty key).
 */
const UNIVERSAL: Record<number, string> = {
  404: 'no route matches the path',
  405: 'the path exists under other methods',
  413: 'body over the configured limit',
  414: 'a path parameter over the router limit',
  415: 'unsupported Content-Type or Content-Encoding',
};

/** Bugs outside this test's reach that still fail: their requests are reported as todo, not failures. */
const KNOWN_ISSUES: Array<{ issue: string; covers(request: FuzzRequest, status: number): boolean }> = [];

type Role = 'viewer' | 'responder' | 'admin';
type Credential =
  | { kind: 'role'; role: Role }
  | { kind: 'integration'; source: string }
  | { kind: 'none' }
  | { kind: 'junk'; header: string };
type Part = 'none' | 'path' | 'query' | 'body' | 'headers' | 'credential';

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** Which part was broken on purpose. */
  broken: Part;
}

const doc = await loadOpenApi();
/** Recorded webhook bodies by source: schema-generated bodies rarely get past an adapter, these do. */
const fixtures: Record<string, string[]> = {};
for (const source of ['alertmanager', 'datadog', 'health', 'grafana']) {
  const dir = new URL(`./fixtures/ingest/${source}/`, import.meta.url);
  fixtures[source] = await Promise.all((await readdir(dir)).sort().map((f) => readFile(new URL(f, dir), 'utf8')));
}
const validators = documentValidators(doc);
const ctx = contextFor(doc);

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (Math.imul(h, 31) + c.codePointAt(0)!) | 0;
  return h;
}

/** encodeURIComponent, except that a lone surrogate becomes the (invalid UTF-8) bytes it would encode to. */
function encode(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    out +=
      code >= 0xd800 && code <= 0xdfff
        ? `%ED%${(0xa0 + ((code >> 6) & 0x1f)).toString(16).toUpperCase()}%${(0x80 + (code & 0x3f)).toString(16).toUpperCase()}`
        : encodeURIComponent(ch);
  }
  return out;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Percent sequences that are not well-formed, put in a URL as they are. */
const rawSegment = fc.constantFrom('%zz', '%ED%A0%80', '%00', '%C0%AF', '..', '%2F', '%2e%2e', '%', 'a%2Fb', `${'%41'.repeat(600)}`);
/** Cursors shaped like real ones (base64url JSON of openedAt and id), with times PostgreSQL may refuse. */
const cursorLike = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(
        '0000-01-01T00:00:00Z',
        '0001-01-01T00:00:00Z',
        '9999-12-31T23:59:59.999999Z',
        '2026-02-30T00:00:00Z',
        '2026-11-22T24:00:00Z',
        '+275760-09-13T00:00:00Z',
        '1969-12-31T23:59:59.9999999Z',
      ),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      nastyString,
    ),
    fc.oneof(fc.uuid(), nastyString),
  )
  .map(([openedAt, id]) => Buffer.from(JSON.stringify({ openedAt, id })).toString('base64url'));
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 80 });

t.test('the API answers every generated request within its documented contract', async (t) => {
  const started = Date.now();
  const { app, auth } = await buildTestApp(t);
  const keys: Record<Role, { authorization: string }> = {
    viewer: await auth('viewer'),
    responder: await auth('responder'),
    admin: await auth('admin'),
  };
  const admin = keys.admin;
  const integrations = {
    alertmanager: await createIntegration(app, admin, { name: 'fuzz alertmanager', kind: 'alertmanager' }),
    datadog: await createIntegration(app, admin, { name: 'fuzz datadog', kind: 'datadog' }),
    health: await createIntegration(app, admin, { name: 'fuzz health', kind: 'health' }),
    grafana: await createIntegration(app, admin, { name: 'fuzz grafana', kind: 'grafana' }),
    heartbeats: await createIntegration(app, admin, {
      name: 'fuzz heartbeat',
      kind: 'heartbeat',
      heartbeat: { intervalSeconds: 60, graceSeconds: 0 },
    }),
    pager: await createIntegration(app, admin, { name: 'fuzz pager', kind: 'pager', signed: true }),
  };
  // Targets for changing operations, so the keys and integrations above stay usable.
  const target = await createIntegration(app, admin, { name: 'fuzz target', kind: 'alertmanager' });
  const spareKey = (
    await app.inject({ method: 'POST', url: '/v1/api-keys', headers: admin, payload: { name: 'fuzz spare', role: 'viewer' } })
  ).json();
  const fixture = await readFile(new URL('./fixtures/ingest/alertmanager/am025-firing.json', import.meta.url), 'utf8');
  const seeded = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/alertmanager/${integrations.alertmanager.key}`,
    payload: fixture,
    headers: { 'content-type': 'application/json' },
  });
  t.equal(seeded.statusCode, 200, 'incidents seeded');
  const silenceBody = {
    matchers: [{ name: 'service', value: 'fuzz' }],
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    comment: 'fuzz',
  };
  const silence = (await app.inject({ method: 'POST', url: '/v1/silences', headers: admin, payload: silenceBody })).json();
  const spareSilence = (await app.inject({ method: 'POST', url: '/v1/silences', headers: admin, payload: silenceBody })).json();
  const incidents = (await app.inject({ url: '/v1/incidents', headers: admin })).json().items.map((i: { id: string }) => i.id);
  t.ok(incidents.length > 0 && silence.id && spareSilence.id && spareKey.id, 'fixtures created');

  /** Ids that exist, so 200s (and their schemas) are reached, not only 404s. */
  function knownValues(operation: Operation, name: string): string[] {
    const { method, path } = operation;
    const changes = method !== 'get';
    if (name === 'key') {
      const source = /^\/v1\/(?:webhooks\/|callbacks\/)?(\w+)/.exec(path)?.[1] as keyof typeof integrations;
      return [integrations[source].key];
    }
    if (path.startsWith('/v1/integrations/'))
      return changes ? [target.id] : [target.id, integrations.alertmanager.id, integrations.heartbeats.id];
    if (path.startsWith('/v1/incidents/')) return incidents;
    if (path.startsWith('/v1/silences/')) return changes ? [spareSilence.id] : [silence.id];
    if (path.startsWith('/v1/api-keys/')) return [spareKey.id];
    return [];
  }

  function credentialFor(operation: Operation): { valid: fc.Arbitrary<Credential>; broken: fc.Arbitrary<Credential> } {
    const security = operation.op.security ?? [];
    const junk = fc
      .oneof(
        fc.constantFrom(
          'Basic dXNlcjpwYXNz',
          'Bearer',
          'Bearer ',
          'bearer klx_nope',
          `Bearer ${'k'.repeat(600)}`,
          'Bearer klx_int_0000000000000000',
        ),
        printable.map((s) => `Bearer ${s}`),
        printable,
      )
      .map((header): Credential => ({ kind: 'junk', header }));
    const none = fc.constant<Credential>({ kind: 'none' });
    if (security.some((s) => 'bearerAuth' in s)) {
      const role = fc.constantFrom<Role>('viewer', 'responder', 'admin', 'admin').map((r): Credential => ({ kind: 'role', role: r }));
      const otherKind = fc.constant<Credential>({ kind: 'integration', source: 'alertmanager' });
      return { valid: role, broken: fc.oneof(none, junk, otherKind) };
    }
    if (security.some((s) => 'integrationKey' in s)) {
      const source = /^\/v1\/(?:webhooks|callbacks)\/(\w+)/.exec(operation.path)![1]!;
      const wrong = source === 'datadog' ? 'alertmanager' : 'datadog';
      const roleKey = fc.constant<Credential>({ kind: 'role', role: 'admin' });
      return {
        valid: fc.constant<Credential>({ kind: 'integration', source }),
        broken: fc.oneof(none, junk, roleKey, fc.constant<Credential>({ kind: 'integration', source: wrong })),
      };
    }
    return { valid: none, broken: fc.oneof(junk, fc.constant<Credential>({ kind: 'role', role: 'admin' })) };
  }

  function authorization(credential: Credential): Record<string, string> {
    switch (credential.kind) {
      case 'role':
        return keys[credential.role];
      case 'integration':
        return { authorization: `Bearer ${integrations[credential.source as keyof typeof integrations].key}` };
      case 'junk':
        return { authorization: credential.header };
      default:
        return {};
    }
  }

  function requestArbitrary(operation: Operation): fc.Arbitrary<FuzzRequest> {
    const params = operation.op.parameters ?? [];
    const pathParams = params.filter((p) => p.in === 'path');
    const queryParams = params.filter((p) => p.in === 'query');
    const known = (name: string) => knownValues(operation, name);

    const validPath = fc.record(
      Object.fromEntries(
        pathParams.map((p) => {
          const ids = known(p.name);
          const generated = validValue(p.schema, ctx).map((v) => encode(asText(v)));
          return [
            p.name,
            ids.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: generated }) : generated,
          ];
        }),
      ),
    );
    const brokenPath =
      pathParams.length === 0
        ? validPath
        : fc
            .tuple(
              validPath,
              fc.constantFrom(...pathParams.map((p) => p.name)),
              fc.oneof(
                invalidValue(pathParams[0]!.schema, ctx).map((v) => encode(asText(v))),
                nastyString.map(encode),
                rawSegment,
              ),
            )
            .map(([valid, name, bad]) => ({ ...valid, [name]: bad }));

    const queryValue = (p: (typeof queryParams)[number]) => {
      const generated = validValue(p.schema, ctx).map(asText);
      return p.name === 'cursor' ? fc.oneof(generated, cursorLike) : generated;
    };
    const validQuery = fc
      .record(Object.fromEntries(queryParams.map((p) => [p.name, queryValue(p)])), {
        requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name),
      })
      .map((q) => Object.entries(q).map(([k, v]) => `${k}=${encode(v as string)}`));
    const brokenQuery = fc
      .tuple(
        validQuery,
        fc.oneof(
          ...queryParams.map((p) => invalidValue(p.schema, ctx).map((v) => [`${p.name}=${encode(asText(v))}`])),
          ...queryParams.map((p) => rawSegment.map((v) => [`${p.name}=${v}`])),
          ...queryParams.map((p) =>
            fc
              .tuple(validValue(p.schema, ctx), validValue(p.schema, ctx))
              .map(([a, b]) => [`${p.name}=${encode(asText(a))}`, `${p.name}=${encode(asText(b))}`]),
          ),
          fc.constantFrom(['unexpected=1'], ['%00=%00'], ['a[b]=1'], [`x=${'y'.repeat(5000)}`], ['&&&'], ['=']),
        ),
      )
      .map(([valid, extra]) => [...valid, ...extra]);

    const bodySchema = operation.op.requestBody?.content['application/json']?.schema;
    const recorded = fixtures[/^\/v1\/webhooks\/(\w+)/.exec(operation.path)?.[1] ?? ''] ?? [];
    const recordedJson = recorded.flatMap((text) => {
      try {
        return [JSON.parse(text) as unknown];
      } catch {
        return [];
      }
    });
    const generatedBody = bodySchema ? validValue(bodySchema, ctx).map((v) => JSON.stringify(v) ?? '') : fc.constant(undefined);
    const validBody = recorded.length ? fc.oneof(generatedBody, fc.constantFrom(...recorded)) : generatedBody;
    const invalidBody = bodySchema ? invalidValue(bodySchema, ctx) : fc.constant(undefined);
    const brokenValue = recordedJson.length ? fc.oneof(invalidBody, mutated(fc.constantFrom(...recordedJson))) : invalidBody;
    const brokenBody = bodySchema
      ? fc.oneof(
          { weight: 4, arbitrary: brokenValue.map((v) => JSON.stringify(v) ?? '') },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              '{',
              '[1,2',
              'not json',
              '',
              '{"a":1}{"b":2}',
              '['.repeat(100),
              'null',
              '"x"',
              '123',
              '{"__proto__":{"x":1}}',
              `"${'x'.repeat(1_100_000)}"`,
            ),
          },
        )
      : fc.constant(undefined);

    const contentTypes = fc.oneof(
      { weight: 8, arbitrary: fc.constant('application/json') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json-seq',
          'APPLICATION/JSON',
          '',
          'application/json; charset=latin1',
        ),
      },
    );
    const brokenHeaders = fc.record(
      {
        'content-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'gzip, identity', ''),
        'x-request-id': printable,
        'content-type': contentTypes,
        'x-klaxon-signature': printable,
      },
      { requiredKeys: [] },
    );
    const { valid: validCredential, broken: brokenCredential } = credentialFor(operation);
    const parts: Part[] = ['none', 'none', 'credential'];
    if (pathParams.length) parts.push('path');
    if (queryParams.length) parts.push('query');
    if (bodySchema) parts.push('body', 'body');
    parts.push('headers');

    return fc
      .record({
        broken: fc.constantFrom(...parts),
        validPath,
        brokenPath,
        validQuery,
        brokenQuery,
        validBody,
        brokenBody,
        validCredential,
        brokenCredential,
        brokenHeaders,
      })
      .map((g): FuzzRequest => {
        const path = g.broken === 'path' ? g.brokenPath : g.validPath;
        const query = g.broken === 'query' ? g.brokenQuery : g.validQuery;
        const payload = g.broken === 'body' ? g.brokenBody : g.validBody;
        const credential = g.broken === 'credential' ? g.brokenCredential : g.validCredential;
        let url = operation.path.replace(/\{(\w+)\}/g, (_m, name: string) => (path as Record<string, string>)[name] ?? '');
        if (query.length) url += `?${query.join('&')}`;
        const headers: Record<string, string> = { ...authorization(credential) };
        if (payload !== undefined) headers['content-type'] = 'application/json';
        if (g.broken === 'headers') Object.assign(headers, g.brokenHeaders);
        return { method: operation.method.toUpperCase(), url, headers, payload, broken: g.broken };
      });
  }

  const failures = new Map<string, { count: number; example: string; known: boolean }>();
  const record = (operation: Operation, problem: string, request: FuzzRequest, status: number, body: string) => {
    const known = KNOWN_ISSUES.find((k) => k.covers(request, status));
    const signature = `${operation.op.operationId}: ${known ? `known issue: ${known.issue}` : problem}`;
    const seen = failures.get(signature);
    if (seen) return void seen.count++;
    const payload =
      request.payload === undefined ? '' : ` body(${request.payload.length})=${JSON.stringify(request.payload.slice(0, 300))}`;
    const example = `${request.method} ${request.url.slice(0, 300)} headers=${JSON.stringify(request.headers)}${payload} → ${status} ${body.slice(0, 300)}`;
    failures.set(signature, { count: 1, example, known: known !== undefined });
  };

  function check(operation: Operation, request: FuzzRequest, res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
    const status = res.statusCode;
    const documented = operation.op.responses[String(status)];
    const mediaType = String(res.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    // A documented text answer (Prometheus text, a message, Markdown, the status page's HTML) is checked by its media type.
    if (status < 400 && mediaType.startsWith('text/')) {
      if (!documented?.content?.[mediaType]) {
        record(operation, `${status} answered as ${mediaType}, not documented`, request, status, res.body);
      }
      return;
    }
    let json: any;
    try {
      json = res.body === '' ? undefined : JSON.parse(res.body);
    } catch {
      return record(operation, `${status} body is not JSON`, request, status, res.body);
    }
    if (status >= 500) return record(operation, `${status} ${json?.code ?? ''}`, request, status, res.body);
    if (!documented && !(status in UNIVERSAL && (status !== 404 || json?.code === 'KLX_ROUTE_NOT_FOUND'))) {
      return record(operation, `undocumented status ${status} ${json?.code ?? ''}`, request, status, res.body);
    }
    if (status >= 400) {
      if (mediaType !== 'application/problem+json')
        return record(operation, `${status} is ${mediaType}, not a problem`, request, status, res.body);
      if (json?.status !== status) return record(operation, `${status} problem says status ${json?.status}`, request, status, res.body);
    }
    if (documented && !documented.content) {
      if (res.body !== '') record(operation, `${status} has a body but documents none`, request, status, res.body);
      return;
    }
    const pointer = documented
      ? documented.content?.[mediaType] && `${operation.pointer}/responses/${status}/content/${mediaType.replace(/\//g, '~1')}/schema`
      : '/components/schemas/Problem';
    if (!pointer)
      return record(
        operation,
        `${status} answered as ${mediaType}, documented as ${Object.keys(documented!.content!)}`,
        request,
        status,
        res.body,
      );
    const validate = validators.at(pointer);
    if (!validate(json))
      record(operation, `${status} body does not match its schema: ${describeErrors(validate)}`, request, status, res.body);
  }

  const operations = operationsOf(doc);
  t.comment(
    `seed ${SEED}, ${RUNS} requests per operation (FUZZ_SEED / FUZZ_RUNS to change); universally allowed: ${Object.entries(UNIVERSAL)
      .map(([s, why]) => `${s} (${why})`)
      .join(', ')}`,
  );
  let sent = 0;
  for (const operation of operations) {
    if (Date.now() - started > BUDGET_MS) {
      t.comment(`time budget spent: ${operation.op.operationId} and later operations skipped`);
      break;
    }
    const inputs = (operation.op.parameters?.length ?? 0) + (operation.op.requestBody ? 1 : 0) + (operation.op.security?.length ?? 0);
    const runs = inputs === 0 ? Math.min(RUNS, 8) : RUNS;
    const samples = fc.sample(requestArbitrary(operation), { seed: SEED ^ hash(operation.op.operationId), numRuns: runs });
    const statuses: Record<number, number> = {};
    for (const request of samples) {
      const res = await app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: request.headers,
        payload: request.payload,
      });
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      check(operation, request, res);
      sent++;
    }
    t.comment(`${operation.op.operationId}: ${JSON.stringify(statuses)}`);
  }
  t.comment(`${sent} requests in ${Date.now() - started} ms`);

  for (const [signature, { count, example, known }] of failures)
    t.fail(`${signature} (${count}×)`, { example, ...(known ? { todo: true } : {}) });
  t.equal([...failures.values()].filter((f) => !f.known).length, 0, 'no request broke the contract');
});

t.test('wrong method → 405 with Allow; unknown path → 404; refused media → 415', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const problem = (
    res: { statusCode: number; headers: Record<string, unknown>; json(): any },
    status: number,
    code: string,
    what: string,
  ) => {
    t.equal(res.statusCode, status, `${what}: status`);
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${what}: problem`);
    t.equal(res.json().code, code, `${what}: code`);
  };
  for (const [method, url, allow] of [
    ['DELETE', '/v1/incidents', 'GET, HEAD, POST'],
    ['PUT', '/v1/webhooks/alertmanager', 'POST'],
    ['POST', '/v1/incidents/00000000-0000-4000-8000-000000000000', 'GET, HEAD, PATCH'],
    ['PATCH', '/v1/silences/x', 'GET, HEAD, DELETE'],
    ['DELETE', '/v1/heartbeats/some-key', 'GET, HEAD, POST'],
    ['OPTIONS', '/v1/integrations', 'GET, HEAD, POST'],
  ] as const) {
    // A body the route would not parse: the 405 comes first.
    const res = await app.inject({ method, url, headers: { ...admin, 'content-type': 'application/json' }, payload: '{bad' });
    problem(res, 405, 'KLX_METHOD_NOT_ALLOWED', `${method} ${url}`);
    t.equal(res.headers.allow, allow, `${method} ${url}: Allow`);
  }
  // The HEAD twin of a GET gets the role check derived from config.role too.
  t.equal((await app.inject({ method: 'HEAD', url: '/v1/incidents' })).statusCode, 401, 'HEAD without a key');
  t.equal(
    (await app.inject({ method: 'HEAD', url: '/v1/integrations', headers: await auth('viewer') })).statusCode,
    403,
    'HEAD with too low a role',
  );
  t.equal((await app.inject({ method: 'HEAD', url: '/v1/integrations', headers: admin })).statusCode, 200, 'HEAD with the role');
  problem(await app.inject({ method: 'DELETE', url: '/v1/nope' }), 404, 'KLX_ROUTE_NOT_FOUND', 'unknown path');
  problem(
    await app.inject({ method: 'POST', url: '/v1/nope', headers: { 'content-type': 'text/plain' }, payload: 'x' }),
    404,
    'KLX_ROUTE_NOT_FOUND',
    'unknown path with a body',
  );
  problem(await app.inject({ method: 'GET', url: '/v1/incidents/x/y' }), 404, 'KLX_ROUTE_NOT_FOUND', 'a path below a resource');

  const body = JSON.stringify({ name: 'x', kind: 'alertmanager' });
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
    const res = await app.inject({ method: 'POST', url: '/v1/integrations', headers: { ...admin, 'content-type': type }, payload: body });
    problem(res, 415, 'KLX_UNSUPPORTED_MEDIA_TYPE', `Content-Type ${type}`);
  }
  const withKey = await createIntegration(app, admin, { name: 'x', kind: 'alertmanager' });
  const webhook = `/v1/webhooks/alertmanager/${withKey.key}`;
  const plain = await app.inject({ method: 'POST', url: webhook, headers: { 'content-type': 'text/plain' }, payload: '{"alerts":[]}' });
  t.equal(plain.statusCode, 200, 'webhooks take any Content-Type');
  for (const encoding of ['gzip', 'br', 'deflate', 'x-custom']) {
    for (const [url, headers] of [
      ['/v1/integrations', admin],
      [webhook, {}],
      ['/v1/heartbeats/k', {}],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url,
        headers: { ...headers, 'content-type': 'application/json', 'content-encoding': encoding },
        payload: body,
      });
      problem(res, 415, 'KLX_UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${encoding} on ${url.slice(0, 30)}`);
      t.match(res.json().detail, /Content-Encoding .* is not supported: send the body uncompressed/);
      t.equal(res.headers['accept-encoding'], 'identity');
    }
  }
  const identity = await app.inject({
    method: 'POST',
    url: webhook,
    headers: { 'content-type': 'application/json', 'content-encoding': 'identity' },
    payload: '{"alerts":[]}',
  });
  t.equal(identity.statusCode, 200, 'identity is no encoding');
});

// Found by this fuzzer (seed 20261122): the adapter took any safe integer, the incident row holds an int4.
t.test('regression: a huge Alertmanager truncatedAlerts is a 400, not a 500', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const integration = await createIntegration(app, await auth('admin'), { name: 'x', kind: 'alertmanager' });
  const res = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/alertmanager/${integration.key}`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ alerts: [{ labels: { alertname: 'X' } }], truncatedAlerts: 2 ** 31 }),
  });
  t.equal(res.statusCode, 400, `answered ${res.statusCode}`);
  t.equal(res.json().errors[0].path, '/body/truncatedAlerts');
});
