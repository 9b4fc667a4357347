/**
 * The drop-in endpoints (PagerDuty, Opsgenie) are outside the OpenAPI document, so the document-driven
 * fuzzing does not reach them: here recorded sender bodies are broken one field at a time (and random
 * JSON is sent) on a valid key. Whatever is sent, the answer is never a 5xx, and it is in the vendor's
 * shape: PagerDuty `{status, message, errors[]}` / `{status:"success",…}`, Opsgenie `{message|result, took, requestId}`.
 */
import { readdir, readFile } from 'node:fs/promises';
import fc from 'fast-check';
import t from 'tap';
import { buildTestApp, createIntegration } from '../helper.js';
import { mutated, nastyString } from '../support/openapi-arbitraries.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

/** encodeURIComponent; a lone surrogate goes as the (invalid UTF-8) bytes it would be. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
}

async function bodies(dir: string, key: string): Promise<unknown[]> {
  const url = new URL(`../fixtures/ingest/${dir}/`, import.meta.url);
  const files = (await readdir(url)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => JSON.parse((await readFile(new URL(f, url), 'utf8')).replaceAll('ROUTING_KEY', key))));
}

t.test('drop-in endpoints answer every broken body in their vendor shape, never with a 5xx', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const pd = await createIntegration(app, admin, { name: 'fuzz pd', kind: 'pagerduty' });
  const og = await createIntegration(app, admin, { name: 'fuzz og', kind: 'opsgenie' });
  const pdBodies = await bodies('pagerduty', pd.key);
  const ogBodies = await bodies('opsgenie', og.key);
  const payload = (values: unknown[]) =>
    fc.oneof(
      { weight: 6, arbitrary: mutated(fc.constantFrom(...values)).map((v) => JSON.stringify(v) ?? '') },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: nastyString },
    );
  const failures: string[] = [];
  const check = (what: string, res: { statusCode: number; headers: Record<string, unknown>; body: string }, shape: (b: any) => boolean) => {
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      body = undefined;
    }
    const json = /^application\/json/.test(String(res.headers['content-type']));
    if (res.statusCode >= 500 || !json || !shape(body)) failures.push(`${what} → ${res.statusCode} ${res.body.slice(0, 300)}`);
  };

  const pdShape = (b: any) =>
    b?.status === 'success'
      ? typeof b.message === 'string'
      : b?.status === 'invalid event' && Array.isArray(b.errors) && b.errors.length > 0;
  for (const url of ['/v2/enqueue', '/generic/2010-04-15/create_event.json', '/v2/change/enqueue']) {
    await fc.assert(
      fc.asyncProperty(payload(pdBodies), async (p) => {
        const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: p });
        check(`POST ${url} ${p.slice(0, 200)}`, res, pdShape);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }

  const ogShape = (b: any) =>
    typeof b?.took === 'number' &&
    typeof b?.requestId === 'string' &&
    (b.result === 'Request will be processed' || typeof b.message === 'string');
  const headers = { authorization: `GenieKey ${og.key}`, 'content-type': 'application/json' };
  const identifier = fc.oneof(
    fc.constantFrom('40987', 'c1a5d7e9', '00000000-0000-4000-8000-000000000000'),
    nastyString.filter((s) => s.length > 0),
  );
  await fc.assert(
    fc.asyncProperty(
      payload(ogBodies),
      identifier,
      fc.constantFrom('close', 'acknowledge', 'notes', 'unacknowledge', 'message', 'description', 'create'),
      fc.constantFrom('alias', 'id', 'tiny', 'bogus'),
      async (p, id, action, type) => {
        const url = action === 'create' ? '/v2/alerts' : `/v2/alerts/${encode(id)}/${action}?identifierType=${type}`;
        const method = action === 'message' || action === 'description' ? 'PUT' : 'POST';
        const res = await app.inject({ method, url, headers, payload: p });
        // An identifier the router cannot take (over its length limit) is Klaxon's own 404/414 problem: not ours to shape.
        if (res.statusCode === 404 || res.statusCode === 414) return;
        check(`${method} ${url.slice(0, 120)} ${p.slice(0, 200)}`, res, ogShape);
      },
    ),
    { seed: SEED, numRuns: RUNS * 2 },
  );
  t.same(failures.slice(0, 10), [], `${failures.length} failures (FUZZ_SEED=${SEED})`);
});
