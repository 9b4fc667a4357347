/**
 * Other tools can consume the OpenAPI document: generate TypeScript types from
 * openapi/openapi.json with openapi-typescript, type-check a client written against them
 * (test/client/walk.ts, with openapi-fetch), and walk one incident from declaration to
 * resolve through it against a listening Klaxon.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';
import t from 'tap';
import ts from 'typescript';
import { buildTestApp } from '../helper.js';

const here = new URL('./', import.meta.url);

interface WalkResult {
  statuses: string[];
  refusal?: string;
  afterResolve?: string;
  kinds: string[];
  commander?: string;
  checklistDone: string[];
}

t.test('a generated client type-checks and walks an incident from declaration to resolve', async (t) => {
  const document = JSON.parse(await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'));
  const types = astToString(await openapiTS(document));
  await mkdir(new URL('generated/', here), { recursive: true });
  await writeFile(new URL('generated/klaxon-api.ts', here), types);
  t.match(types, /"\/v1\/incidents\/\{id\}\/acknowledge"/, 'the generated paths include the lifecycle');

  const walkFile = new URL('walk.ts', here).pathname;
  const program = ts.createProgram([walkFile], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: ['node'],
  });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName.replace(/.*\/test\//, 'test/') ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  t.same(problems, [], 'the client type-checks against the generated types');

  const { app, auth } = await buildTestApp(t);
  const key = (await auth('responder')).authorization.replace('Bearer ', '');
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  // Imported by URL, so the project's own type-check (which runs before the types exist) skips it.
  const { walk } = (await import(new URL('walk.ts', here).href)) as { walk: (url: string, key: string) => Promise<WalkResult> };
  const result = await walk(address, key);
  t.same(result.statuses, ['triggered', 'acknowledged', 'investigating', 'identified', 'mitigating', 'resolved']);
  t.equal(result.refusal, 'KLX_PRECONDITION_FAILED');
  t.equal(result.afterResolve, 'KLX_INVALID_TRANSITION');
  t.same(result.kinds, [
    'declared',
    'escalation_started', // the SEV2 default policy pages the on-call
    'acknowledged',
    'escalation_stopped',
    'role_assigned',
    'status_changed',
    'status_changed',
    'status_changed',
    'note',
    'resolved',
  ]);
  t.equal(result.commander, 'Dana');
  t.same(result.checklistDone, [
    'severity-assessed',
    'acknowledged-within-target',
    'commander-assigned',
    'impact-assessed',
    'resolution-verified',
  ]);
});
