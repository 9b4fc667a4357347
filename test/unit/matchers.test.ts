import { RE2JS } from 're2js';
import t from 'tap';
import {
  compileMatchers,
  MAX_REGEX_LENGTH,
  type Matcher,
  normalizeMatchers,
  regexProblem,
  validateMatchers,
} from '../../src/incidents/matchers.js';

const eq = (name: string, value: string): Matcher => ({ name, value, isRegex: false, isEqual: true });
const ne = (name: string, value: string): Matcher => ({ name, value, isRegex: false, isEqual: false });
const re = (name: string, value: string): Matcher => ({ name, value, isRegex: true, isEqual: true });
const nre = (name: string, value: string): Matcher => ({ name, value, isRegex: true, isEqual: false });
const test = (m: Matcher, labels: Record<string, string>) => compileMatchers([m])(labels);

t.test('= and != compare the whole value; a missing label is ""', async (t) => {
  t.equal(test(eq('service', 'db'), { service: 'db' }), true);
  t.equal(test(eq('service', 'db'), { service: 'dbx' }), false);
  t.equal(test(eq('service', 'db'), { service: 'DB' }), false, 'case-sensitive');
  t.equal(test(eq('service', 'db'), {}), false);
  t.equal(test(eq('service', ''), {}), true, 'missing equals ""');
  t.equal(test(eq('service', ''), { service: '' }), true);
  t.equal(test(eq('service', 'd.'), { service: 'db' }), false, 'not a regex');

  t.equal(test(ne('service', 'db'), { service: 'web' }), true);
  t.equal(test(ne('service', 'db'), { service: 'db' }), false);
  t.equal(test(ne('service', 'db'), {}), true, 'missing is "" which is not "db"');
  t.equal(test(ne('service', ''), {}), false, 'missing is ""');
  t.equal(test(ne('service', ''), { service: 'x' }), true);
});

t.test("=~ and !~ are anchored at both ends, as Alertmanager's ^(?:re)$", async (t) => {
  t.equal(test(re('env', 'prod|staging'), { env: 'prod' }), true);
  t.equal(test(re('env', 'prod|staging'), { env: 'staging' }), true);
  t.equal(test(re('env', 'prod|staging'), { env: 'production' }), false, 'the alternation is inside the anchors');
  t.equal(test(re('env', 'prod|staging'), { env: 'preprod' }), false);
  t.equal(test(re('env', 'prod|staging'), { env: 'prodstaging' }), false);
  t.equal(test(re('env', 'a|ab'), { env: 'ab' }), true, 'any full match counts, not only the leftmost-first one');
  t.equal(test(re('env', 'b'), { env: 'ab' }), false);
  t.equal(test(re('env', '.*b'), { env: 'ab' }), true);
  t.equal(test(re('env', '(?m)^b$'), { env: 'a\nb' }), false, 'multi-line mode inside the pattern does not loosen the outer anchors');
  t.equal(test(re('env', '.*'), { env: 'a\nb' }), false, '. does not match a newline (RE2 default)');
  t.equal(test(re('env', '(?s).*'), { env: 'a\nb' }), true);
  t.equal(test(re('env', 'prod|staging'), {}), false, 'missing is "", which does not match');
  t.equal(test(re('env', '.*'), {}), true);
  t.equal(test(re('env', ''), {}), true);
  t.equal(test(re('env', ''), { env: 'x' }), false);

  t.equal(test(nre('instance', 'canary-.*'), { instance: 'canary-1' }), false);
  t.equal(test(nre('instance', 'canary-.*'), { instance: 'web-1' }), true);
  t.equal(test(nre('instance', 'canary-.*'), { instance: 'x-canary-1' }), true, 'anchored: a canary in the middle does not count');
  t.equal(test(nre('instance', 'canary-.*'), {}), true);
  t.equal(test(nre('instance', '.*'), {}), false);
});

t.test('the match agrees with RE2 on ^(?:re)$ for every pattern and value in a table', async (t) => {
  const patterns = [
    'a|ab',
    'ab|a',
    'a*',
    '(a|b)*c',
    '.+',
    '(?i)Prod',
    'x$|y',
    '^x|y',
    '(?m)^b',
    '\\bdb\\b',
    '[[:alpha:]]+-\\d+',
    '\\Qa.b\\E',
    '',
  ];
  const values = ['', 'a', 'ab', 'abc', 'c', 'PROD', 'prod', 'x', 'xy', 'y', 'a\nb', 'b', 'db', 'web-12', 'a.b', 'axb'];
  for (const p of patterns) {
    const anchored = RE2JS.compile(`^(?:${p})$`);
    const compiled = compileMatchers([re('l', p)]);
    t.strictSame(
      values.map((l) => compiled({ l })),
      values.map((v) => anchored.test(v)),
      `pattern ${JSON.stringify(p)}`,
    );
  }
});

t.test('every matcher must match', async (t) => {
  const all = compileMatchers([eq('service', 'db'), re('env', 'prod|staging'), nre('instance', 'canary-.*'), ne('severity', 'critical')]);
  t.equal(all({ service: 'db', env: 'prod', instance: 'db-1', severity: 'warning' }), true);
  t.equal(all({ service: 'db', env: 'prod', instance: 'db-1' }), true, 'a missing severity is "" which is not "critical"');
  t.equal(all({ service: 'db', env: 'prod', instance: 'canary-1', severity: 'warning' }), false);
  t.equal(all({ service: 'db', env: 'dev', instance: 'db-1', severity: 'warning' }), false);
  t.equal(all({ service: 'db', env: 'prod', instance: 'db-1', severity: 'critical' }), false);
  t.equal(all({ env: 'prod' }), false);
  t.equal(compileMatchers([])({ any: 'thing' }), true, 'no matchers match everything (silences refuse that earlier)');
});

t.test("a label is the alert's own: names like constructor are missing, not Object.prototype's", async (t) => {
  t.equal(test(eq('constructor', ''), {}), true);
  t.equal(test(re('toString', ''), {}), true);
  t.equal(test(re('__proto__', '.+'), {}), false);
  t.equal(test(eq('constructor', 'x'), { constructor: 'x' }), true);
});

t.test('RE2 syntax and Unicode, as Go (and so Alertmanager) reads it', async (t) => {
  t.equal(test(re('l', '.'), { l: '😀' }), true, '. is one code point, even outside the BMP');
  t.equal(test(re('l', '..'), { l: '😀' }), false);
  t.equal(test(re('l', '[😀-😂]'), { l: '😁' }), true);
  t.equal(test(re('l', '\\x{1F600}'), { l: '😀' }), true);
  t.equal(test(re('l', '\\p{Greek}+'), { l: 'αβγ' }), true);
  t.equal(test(re('l', '\\pL+'), { l: '日本' }), true);
  t.equal(test(re('l', '(?i)émile'), { l: 'ÉMILE' }), true, '(?i) folds Unicode case');
  t.equal(test(re('l', 'émile'), { l: 'ÉMILE' }), false);
  t.equal(test(re('l', '\\d'), { l: '٣' }), false, '\\d is ASCII, as in Go');
  t.equal(test(re('l', '\\w+'), { l: 'é' }), false, '\\w is ASCII, as in Go');
  t.equal(test(re('l', '(?P<svc>db)-(?<n>\\d+)'), { l: 'db-1' }), true, 'named groups in both spellings');
  t.equal(test(re('l', '[[:digit:]]{2}'), { l: '42' }), true, 'POSIX classes');
  t.equal(test(re('l', '\\Qa.b\\E'), { l: 'a.b' }), true, '\\Q…\\E quotes');
  t.equal(test(re('l', '\\Qa.b\\E'), { l: 'axb' }), false);
  t.equal(test(re('l', '.'), { l: '\uD800' }), true, 'a lone surrogate is one character and does not throw');
});

t.test('regexProblem: RE2 syntax errors are refused with a message naming the problem', async (t) => {
  const cases: [string, string | undefined][] = [
    ['prod|staging', undefined],
    ['(a+)+', undefined],
    ['(a|aa)*b', undefined],
    ['(?P<x>a)\\d{1,3}', undefined],
    ['(', 'invalid regex: missing closing ): `(`'],
    ['a)|(b', 'invalid regex: unexpected ): `a)|(b`'],
    ['[z-a]', 'invalid regex: invalid character class range: `z-a`'],
    ['[a', 'invalid regex: missing closing ]: `[a`'],
    ['*', 'invalid regex: missing argument to repetition operator: `*`'],
    ['a**', 'invalid regex: invalid nested repetition operator: `**`'],
    ['a{1001}', 'invalid regex: invalid repeat count: `{1001}`'],
    ['\\p{Klingon}', 'invalid regex: invalid character class range: `\\p{Klingon}`'],
    ['\\C', 'invalid regex: invalid escape sequence: `\\C`'],
    ['(a)\\1', 'backreference `\\1` is not supported: regexes use RE2 syntax, as Alertmanager does'],
    ['(?<n>a)\\k<n>', 'backreference `\\k` is not supported: regexes use RE2 syntax, as Alertmanager does'],
    ['a(?=b)', 'lookaround `(?=` is not supported: regexes use RE2 syntax, as Alertmanager does'],
    ['a(?!b)', 'lookaround `(?!` is not supported: regexes use RE2 syntax, as Alertmanager does'],
    ['(?<=a)b', 'lookaround `(?<=` is not supported: regexes use RE2 syntax, as Alertmanager does'],
    ['(?<!a)b', 'lookaround `(?<!` is not supported: regexes use RE2 syntax, as Alertmanager does'],
  ];
  t.strictSame(
    cases.map(([source]) => regexProblem(source)),
    cases.map(([, problem]) => problem),
  );
});

t.test('regexProblem: at most MAX_REGEX_LENGTH characters', async (t) => {
  t.equal(MAX_REGEX_LENGTH, 256);
  t.equal(regexProblem('a'.repeat(256)), undefined);
  t.equal(regexProblem('a'.repeat(257)), 'regex longer than 256 characters');
  t.equal(regexProblem('('.repeat(257)), 'regex longer than 256 characters', 'the length is checked before compiling');
});

t.test('validateMatchers: one field error per bad regex, at its path; plain values are never regexes', async (t) => {
  t.strictSame(validateMatchers([eq('a', '('), ne('b', '(?=x)'), re('c', 'ok|fine')], '/body/matchers'), []);
  t.strictSame(validateMatchers([re('a', 'ok'), re('b', '('), nre('c', '(a)\\1')], '/body/severityRules/2/matchers'), [
    { path: '/body/severityRules/2/matchers/1/value', message: 'invalid regex: missing closing ): `(`' },
    {
      path: '/body/severityRules/2/matchers/2/value',
      message: 'backreference `\\1` is not supported: regexes use RE2 syntax, as Alertmanager does',
    },
  ]);
});

t.test('compileMatchers throws on a regex RE2 cannot compile (callers skip or refuse it)', async (t) => {
  t.throws(() => compileMatchers([eq('a', 'b'), re('x', '(')]), { message: 'matcher x: invalid regex: missing closing ): `(`' });
  t.throws(() => compileMatchers([re('x', 'y'.repeat(257))]), { message: 'matcher x: regex longer than 256 characters' });
});

t.test('normalizeMatchers fills equality and not-regex', async (t) => {
  t.strictSame(
    normalizeMatchers([
      { name: 'a', value: '1' },
      { name: 'b', value: '2', isRegex: true, isEqual: false },
    ]),
    [
      { name: 'a', value: '1', isRegex: false, isEqual: true },
      { name: 'b', value: '2', isRegex: true, isEqual: false },
    ],
  );
});

t.test('pathological patterns run in linear time on 10k-character values', async (t) => {
  // The case first: seconds of backtracking at 40 characters. Should it stall, the
  // 10k round (ages on a backtracking engine) is skipped so the file fails fast.
  const canary = compileMatchers([re('l', '(a|aa)*b')]);
  const canaryStart = performance.now();
  t.equal(canary({ l: 'a'.repeat(40) }), false);
  const canaryMs = performance.now() - canaryStart;
  if (!t.ok(canaryMs < 1000, `(a|aa)*b on 40 characters: ${canaryMs.toFixed(1)} ms`)) return;

  // Each of these takes seconds to ages on a backtracking engine at a few dozen characters.
  const n = 10_000;
  const cases: [string, string, boolean][] = [
    ['(a|aa)*b', 'a'.repeat(n), false],
    ['(a|aa)*b', `${'a'.repeat(n)}b`, true],
    ['(a|aa)*c', `${'a'.repeat(n)}b`, false],
    ['(a+)+$', 'a'.repeat(n), true],
    ['(a+)+$', `${'a'.repeat(n)}!`, false],
    ['(x+x+)+y', 'x'.repeat(n), false],
    ['(x+x+)+y', `${'x'.repeat(n)}y`, true],
    ['(((a*)*)*)*b', 'a'.repeat(n), false],
    ['((a+|b)+(c|a+)*)+d', 'ab'.repeat(n / 2), false],
    ['(\\w+\\s?)*$', `${'a'.repeat(n)}!`, false],
    ['(.*a){12}', `${'a'.repeat(n - 1)}b`, false],
    ['(é|éé)*x', 'é'.repeat(n), false],
  ];
  for (const [pattern, value, expected] of cases) {
    const matchers = compileMatchers([re('l', pattern)]);
    const negated = compileMatchers([nre('l', pattern)]);
    const start = performance.now();
    const hit = matchers({ l: value });
    const miss = negated({ l: value });
    const ms = performance.now() - start;
    t.equal(hit, expected, `${pattern} on ${value.length} characters`);
    t.equal(miss, !expected, `!~ ${pattern} is the opposite`);
    t.ok(ms < 1000, `${pattern}: ${ms.toFixed(1)} ms, linear time (backtracking would take hours)`);
  }

  // Compiled once, the matcher serves every value: a delivery's worth of labels stays quick.
  const values = Array.from({ length: 200 }, (_, i) => 'a'.repeat(1000 + i));
  const start = performance.now();
  t.strictSame(
    values.map((l) => canary({ l })),
    values.map(() => false),
  );
  const ms = performance.now() - start;
  t.ok(ms < 1000, `200 values of ~1k characters through one compiled matcher in ${ms.toFixed(1)} ms`);
});
