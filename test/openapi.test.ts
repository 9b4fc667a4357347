import t from 'tap';
import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
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

t.test('every operation is documented: tags, summary, problem responses, security under /v1', async (t) => {
  const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, op })),
  );
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
      t.same(op.security ?? [], keyInPath ? [] : [{ integrationKey: [] }], `${where} declares its key`);
      t.ok(op.responses['401'], `${where} documents 401`);
    } else if (path.startsWith('/v1/')) {
      t.same(op.security, [{ bearerAuth: [] }], `${where} declares bearer auth`);
      t.ok(op.responses['401'] && op.responses['403'], `${where} documents 401 and 403`);
    }
  }
});
