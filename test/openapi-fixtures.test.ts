/**
 * The documented webhook bodies agree with the adapters: every recorded fixture an
 * adapter accepts validates against the request body schema of its operation in the
 * generated OpenAPI document (so a validating proxy or client never refuses what
 * Klaxon takes).
 */

import { readdir, readFile } from 'node:fs/promises';
import t from 'tap';
import { type AdapterContext, type AdapterSource, adapters } from '../src/ingest/index.js';
import { parseWebhookBody } from '../src/ingest/json.js';
import { describeErrors, documentValidators, loadOpenApi, operationsOf, requestBodyPointer } from './support/openapi.js';

const doc = await loadOpenApi();
const validators = documentValidators(doc);
const fixtures = new URL('./fixtures/ingest/', import.meta.url);
/** Fixtures recorded to show a refusal (see test/fixtures/ingest/README.md). */
const REFUSED = new Set(['datadog/default-no-monitor-link.json']);

/** What the adapter makes of a fixture: accepted, or the reason it was refused. */
function adapt(source: AdapterSource, text: string): { accepted: true } | { accepted: false; reason: string } {
  try {
    const parsed = parseWebhookBody(text);
    if (!parsed.ok) return { accepted: false, reason: parsed.reason };
    adapters[source](parsed.value, { receivedAt: new Date('2026-11-22T10:30:00Z'), rawBody: text });
    return { accepted: true };
  } catch (err) {
    return { accepted: false, reason: (err as Error).message };
  }
}

for (const source of ['alertmanager', 'datadog', 'grafana'] as const) {
  t.test(`${source}: accepted fixtures validate against the documented body`, async (t) => {
    const operations = operationsOf(doc).filter((o) => o.path.startsWith(`/v1/webhooks/${source}`));
    t.equal(operations.length, 2, 'with and without the key in the path');
    const files = (await readdir(new URL(`${source}/`, fixtures))).filter((f) => f.endsWith('.json')).sort();
    t.ok(files.length >= 5, `${files.length} fixtures`);
    for (const file of files) {
      const text = await readFile(new URL(`${source}/${file}`, fixtures), 'utf8');
      const outcome = adapt(source, text);
      t.equal(outcome.accepted, !REFUSED.has(`${source}/${file}`), `${file} is ${outcome.accepted ? 'accepted' : 'refused'}`, outcome);
      if (!outcome.accepted) continue;
      const body = JSON.parse(text);
      for (const operation of operations) {
        const validate = validators.at(requestBodyPointer(operation)!);
        t.ok(validate(body), `${file} validates for ${operation.op.operationId}`, { errors: describeErrors(validate) });
      }
    }
  });
}

t.test('the documented bodies require no more than the adapters do', async (t) => {
  const pointer = (source: string) => requestBodyPointer(operationsOf(doc).find((o) => o.path === `/v1/webhooks/${source}`)!)!;
  const am = validators.at(pointer('alertmanager'));
  const minimal = { alerts: [{ labels: { alertname: 'X' } }] };
  t.ok(adapt('alertmanager', JSON.stringify(minimal)).accepted, 'the adapter takes alerts with labels only');
  t.ok(am(minimal), 'so does the schema (no receiver, status, startsAt)', { errors: describeErrors(am) });
  const nulls = { alerts: [{ labels: { a: 'b' }, annotations: null, startsAt: null, endsAt: '0001-01-01T00:00:00Z' }] };
  t.ok(adapt('alertmanager', JSON.stringify(nulls)).accepted && am(nulls), 'null annotations and times', { errors: describeErrors(am) });

  const dd = validators.at(pointer('datadog'));
  const numeric = { alert_id: 170773010, alert_transition: 'Triggered', date: 1795343400000 };
  t.ok(adapt('datadog', JSON.stringify(numeric)).accepted, 'the adapter reads unquoted (numeric) template values');
  t.ok(dd(numeric), 'so does the schema', { errors: describeErrors(dd) });
});

/** Health fixtures recorded to show a refusal (see test/fixtures/ingest/README.md). */
const HEALTH_REFUSED = ['gatus-readme-slack.json', 'hc-docs-name-json.txt', 'hc-placeholder-status.txt'];
/** The anyOf branch (by title) that documents each fixture's format, by its file name prefix. */
const HEALTH_TITLES: Record<string, string> = {
  generic: 'Health check result',
  kuma: 'Uptime Kuma',
  hc: 'healthchecks.io',
  gatus: 'Gatus',
};

/** What the health adapter makes of a body as the route hands it over (decode in src/incidents/deliveries.ts): text that is not JSON reaches it raw. */
function adaptHealthText(text: string, format?: AdapterContext['format']): { accepted: true } | { accepted: false; reason: string } {
  try {
    const parsed = parseWebhookBody(text);
    adapters.health(parsed.ok ? parsed.value : undefined, { receivedAt: new Date('2026-11-22T10:30:00Z'), rawBody: text, format });
    return { accepted: true };
  } catch (err) {
    return { accepted: false, reason: (err as Error).message };
  }
}

function parseJson(text: string): { json: true; value: unknown } | { json: false } {
  try {
    return { json: true, value: JSON.parse(text) };
  } catch {
    return { json: false };
  }
}

const healthOperations = () => operationsOf(doc).filter((o) => o.path.startsWith('/v1/webhooks/health'));

t.test('health: every fixture the adapter accepts is a documented body; the refused ones stay refused', async (t) => {
  const operations = healthOperations();
  t.equal(operations.length, 2, 'with and without the key in the path');
  for (const operation of operations) {
    const content = operation.op.requestBody!.content;
    t.same(Object.keys(content).sort(), ['application/json', 'text/plain'], `${operation.op.operationId} media types`);
    t.equal(content['text/plain']!.schema.type, 'string', `${operation.op.operationId}: text/plain is a string`);
    t.same(
      content['application/json']!.schema.anyOf.map((b: { title: string }) => b.title),
      Object.values(HEALTH_TITLES),
      'one branch per format',
    );
  }
  const files = (await readdir(new URL('health/', fixtures))).sort();
  const bodies = new Map(await Promise.all(files.map(async (f) => [f, await readFile(new URL(`health/${f}`, fixtures), 'utf8')] as const)));
  const json = files.filter((f) => f.endsWith('.json'));
  const text = files.filter((f) => f.endsWith('.txt'));
  t.same([...json, ...text].sort(), files, 'every fixture is .json or .txt');
  t.same(
    json.filter((f) => !parseJson(bodies.get(f)!).json),
    [],
    '.json fixtures are JSON',
  );

  const refused = files.filter((f) => !adaptHealthText(bodies.get(f)!).accepted);
  t.same(refused, HEALTH_REFUSED, 'the adapter refuses exactly the fixtures recorded to show a refusal');
  const accepted = files.filter((f) => !refused.includes(f));
  // A .txt body arrives as text/plain or without Content-Type; one that is JSON may be sent as application/json too.
  const acceptedJson = accepted.filter((f) => parseJson(bodies.get(f)!).json);
  t.ok(
    acceptedJson.length >= 20 && accepted.length > acceptedJson.length,
    `${accepted.length} accepted, ${acceptedJson.length} of them JSON`,
  );

  for (const operation of operations) {
    const id = operation.op.operationId;
    const pointer = requestBodyPointer(operation)!;
    const asJson = validators.at(pointer);
    const asText = validators.at(`${operation.pointer}/requestBody/content/text~1plain/schema`);
    const branch = (file: string) => {
      const index = Object.values(HEALTH_TITLES).indexOf(HEALTH_TITLES[file.split('-')[0]!]!);
      return index < 0 ? () => false : validators.at(`${pointer}/anyOf/${index}`);
    };
    const failures = (list: string[], validate: (file: string) => boolean) => list.filter((f) => !validate(f));
    const value = (f: string) => (parseJson(bodies.get(f)!) as { value: unknown }).value;

    const jsonFailures = acceptedJson.filter((f) => !asJson(value(f)));
    t.same(jsonFailures, [], `${id}: all ${acceptedJson.length} accepted JSON fixtures validate against the application/json schema`, {
      errors: jsonFailures.map((f) => {
        asJson(value(f));
        return `${f}: ${describeErrors(asJson)}`;
      }),
    });
    t.same(
      failures(acceptedJson, (f) => branch(f)(value(f))),
      [],
      `${id}: each validates against its own format's branch`,
    );
    const acceptedText = accepted.filter((f) => f.endsWith('.txt'));
    t.same(
      failures(acceptedText, (f) => asText(bodies.get(f)!)),
      [],
      `${id}: all ${acceptedText.length} accepted .txt fixtures are documented text`,
    );
    const refusedJson = refused.filter((f) => parseJson(bodies.get(f)!).json);
    t.same(
      refusedJson.filter((f) => asJson(value(f))),
      [],
      `${id}: the application/json schema refuses the ${refusedJson.length} refused fixtures too`,
    );
  }
});

t.test('health: the documented body requires no more than the adapter does', async (t) => {
  const pointer = requestBodyPointer(healthOperations().find((o) => o.path === '/v1/webhooks/health')!)!;
  const schema = validators.at(pointer);
  const branch = (title: string) => validators.at(`${pointer}/anyOf/${Object.values(HEALTH_TITLES).indexOf(title)}`);
  const uuid = '5b3e5f3c-9a2c-4c1e-8d7e-2f1a3b4c5d6e';
  // [body, pinned format]: minimal bodies, other key names, the pinned formats' leniency.
  const accepted: Array<[Record<string, unknown>, AdapterContext['format']?]> = [
    [{ check_id: 'x', status: 'up' }],
    [{ heartbeat: null, monitor: null }],
    [{ msg: 'Uptime Kuma Testing' }],
    [{ heartbeat: { status: 0 }, monitor: { id: 'a' } }],
    [{ heartbeat: null }, 'uptime-kuma'],
    [{ msg: 'certificate expires', extra: 1 }, 'uptime-kuma'],
    [{ uuid, state: 'UP' }],
    [{ id: uuid, check_status: 'down', time: '2026-11-22T03:15:00Z' }],
    [{ ping_url: `https://hc-ping.com/${uuid}` }],
    [{ update_url: `https://healthchecks.io/api/v3/checks/${uuid}`, status: 'paused' }],
    [{ text: 'backup is down', data: { ping_url: `https://hc-ping.com/${uuid}` } }],
    [{ a: { b: { c: { ping_url: `https://hc-ping.com/${uuid}` } } } }],
    [{ status: 5, check: { update_url: `https://healthchecks.io/api/v3/checks/${uuid}`, status: 'down' } }],
    [{ endpoint: 'x', event: 'RESOLVED' }],
    [{ endpointName: 'x', alertState: 'triggered' }],
    [{ source: 'gatus', name: 'x', status: 'degraded' }],
    [{ name: 'x', status: 'down' }, 'gatus'],
  ];
  for (const [body, format] of accepted) {
    const what = `${JSON.stringify(body)}${format ? ` (pinned ${format})` : ''}`;
    t.same(adaptHealthText(JSON.stringify(body), format), { accepted: true }, `the adapter takes ${what}`);
    t.ok(schema(body), `so does the schema: ${what}`, { errors: describeErrors(schema) });
  }
  // What is easy to say is said: refused by the adapter and by the schema (or by its format's branch, where another branch is loose).
  const refused: Array<[Record<string, unknown>, string?]> = [
    [{}],
    [{ status: 'down' }],
    [{ name: 'Database Backup' }],
    [{ text: 'TRIGGERED: website' }],
    [{ code: uuid }],
    [{ check_id: 'x', status: 'sideways' }],
    [{ endpoint_name: '', status: 'TRIGGERED' }],
    [{ heartbeat: { status: 0 }, monitor: null }, 'Uptime Kuma'],
    [{ heartbeat: { status: 5 }, monitor: { id: 1 } }, 'Uptime Kuma'],
  ];
  for (const [body, title] of refused) {
    t.notOk(adaptHealthText(JSON.stringify(body)).accepted, `the adapter refuses ${JSON.stringify(body)}`);
    const validate = title ? branch(title) : schema;
    t.notOk(validate(body), `so does ${title ? `the ${title} branch` : 'the schema'}: ${JSON.stringify(body)}`);
  }
});
