import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import t from 'tap';
import { generateOpenApiJson } from '../src/openapi-document.js';

const generated = await generateOpenApiJson();
const doc = JSON.parse(generated);

t.test('the committed openapi/openapi.json matches the code (run `npm run openapi` to update)', async (t) => {
  const committed = await readFile(new URL('../openapi/openapi.json', import.meta.url), 'utf8');
  t.equal(committed, generated);
});

t.test('the document is valid OpenAPI 3.1', async (t) => {
  t.equal(doc.openapi, '3.1.0');
  const result = await new Validator().validate(doc);
  t.same(result.errors ?? [], [], 'no validation errors');
  t.ok(result.valid);
});

const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ path, method, op })),
);

t.test('servers are declared; every operation has a unique camelCase operationId', async (t) => {
  t.ok(Array.isArray(doc.servers) && doc.servers.length > 0, 'servers');
  t.equal(doc.servers[0].url, '/', 'the first server is the Klaxon serving the document');
  const ids = operations.map(({ op }) => op.operationId);
  for (const [i, id] of ids.entries()) t.match(id, /^[a-z][a-zA-Z0-9]*$/, `${operations[i]!.method.toUpperCase()} ${operations[i]!.path}`);
  t.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  t.ok(ids.includes('listIncidents') && ids.includes('receiveAlertmanagerWebhookWithKey') && ids.includes('recordHeartbeatPost'));
});

t.test('every operation is documented: tags, summary, problem responses, security under /v1', async (t) => {
  t.ok(operations.length >= 5);
  for (const { path, method, op } of operations) {
    const where = `${method.toUpperCase()} ${path}`;
    t.ok(op.tags?.length, `${where} has tags`);
    t.ok(op.summary, `${where} has a summary`);
    const errors = Object.keys(op.responses).filter((s) => s >= '400');
    t.ok(errors.length > 0, `${where} documents its errors`);
    for (const status of errors) {
      t.ok(op.responses[status].content?.['application/problem+json'], `${where} ${status} is problem+json`);
    }
    if (op.tags.includes('webhooks')) {
      // Senders authenticate with an integration key: a Bearer header, or the key in the path.
      const keyInPath = path.includes('{key}');
      // OpenAPI has no path-parameter security scheme, so the key's role is told in words.
      t.same(op.security, keyInPath ? [] : [{ integrationKey: [] }], `${where} declares its key`);
      if (keyInPath) {
        t.match(op.description, /path segment is the credential/, `${where} says the path key is the credential`);
        const key = op.parameters.find((p: any) => p.in === 'path' && p.name === 'key');
        t.match(key?.schema?.description ?? key?.description, /credential/, `${where} key parameter says it is the credential`);
      }
      t.ok(op.responses['401'], `${where} documents 401`);
    } else if (path.startsWith('/v1/') || op['x-klaxon-role']) {
      // Derived from the route's config.role by the auth plugin: security, x-klaxon-role and a sentence.
      t.same(op.security, [{ bearerAuth: [] }], `${where} declares bearer auth`);
      t.match(op['x-klaxon-role'], /^(viewer|responder|admin)$/, `${where} declares its role`);
      t.match(op.description, new RegExp(`Requires the ${op['x-klaxon-role']} role`), `${where} describes its role`);
      t.ok(op.responses['401'] && op.responses['403'], `${where} documents 401 and 403`);
    } else {
      t.same(op.security, [], `${where} is public`);
    }
    if (op.requestBody) t.ok(op.responses['415'], `${where} documents 415`);
  }
});
