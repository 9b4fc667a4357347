import t from 'tap';
import { buildTestApp } from '../helper.js';

t.test('hostile integration bodies get 4xx or a documented lenient 2xx, never a 500', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const raw = (payload: string) =>
    app.inject({ method: 'POST', url: '/v1/integrations', headers: { ...admin, 'content-type': 'application/json' }, payload });
  const lone = await raw(
    '{"name":"x\\ud800","kind":"alertmanager","severityRules":[{"name":"r\\udc00","matchers":[{"name":"a\\ud800","value":"b\\ud800"}],"severity":"SEV1"}],"groupingLabels":["g\\ud800"]}',
  );
  t.equal(lone.statusCode, 201, `lone surrogates are accepted as U+FFFD: ${lone.body.slice(0, 200)}`);
  const created = lone.json();
  t.equal(created.name, 'x\ufffd');
  t.strictSame(created.groupingLabels, ['g\ufffd']);
  t.strictSame(created.severityRules, [
    { name: 'r\ufffd', matchers: [{ name: 'a\ufffd', value: 'b\ufffd', isRegex: false, isEqual: true }], severity: 'SEV1' },
  ]);
  const nul = await raw(
    '{"name":"x","kind":"alertmanager","severityRules":[{"matchers":[{"name":"a","value":"b\\u0000"}],"severity":"SEV1"}]}',
  );
  t.equal(nul.statusCode, 400, `NUL in a matcher: ${nul.body.slice(0, 200)}`);
  t.ok(
    nul.json().errors.some((e: { path: string }) => e.path === '/body/severityRules/0/matchers/0/value'),
    'the path names the value',
  );
  const deep = await raw(`{"name":"x","kind":"alertmanager","service":${'['.repeat(10000)}${']'.repeat(10000)}}`);
  t.equal(deep.statusCode, 400);
  const patch = await app.inject({
    method: 'PATCH',
    url: '/v1/integrations/00000000-0000-4000-8000-000000000000',
    headers: admin,
    payload: {},
  });
  t.equal(patch.statusCode, 400, 'an empty PATCH says what is wrong');
});
