import fc from 'fast-check';
import t from 'tap';
import { groupKeyFor } from '../../src/incidents/engine.js';
import type { NormalizedAlert } from '../../src/ingest/types.js';

const alert = (labels: Record<string, string>, groupKey = 'source-key'): NormalizedAlert => ({
  identity: 'id',
  groupKey,
  status: 'firing',
  title: 'title',
  labels,
  annotations: {},
  startsAt: null,
  endsAt: null,
  severity: { severity: 'SEV3', reason: 'default' },
});

t.test("no grouping labels: the source's own key", async (t) => {
  t.equal(groupKeyFor(alert({ env: 'prod' }, '{}:{alertname="X"}'), []), '{}:{alertname="X"}');
  t.equal(groupKeyFor(alert({}, 'check:api'), []), 'check:api');
});

t.test('grouping labels: sorted by name, values quoted, other labels ignored', async (t) => {
  const labels = { service: 'db', env: 'prod', instance: 'db-1' };
  t.equal(groupKeyFor(alert(labels), ['service', 'env']), 'labels:{env="prod",service="db"}');
  t.equal(
    groupKeyFor(alert(labels), ['env', 'service']),
    'labels:{env="prod",service="db"}',
    'the order they are configured in does not matter',
  );
  t.equal(groupKeyFor(alert(labels, 'a'), ['env']), groupKeyFor(alert(labels, 'b'), ['env']), 'the source key no longer matters');
  const grouping = ['service', 'env'];
  groupKeyFor(alert(labels), grouping);
  t.strictSame(grouping, ['service', 'env'], "the integration's list is not sorted in place");
});

t.test('a missing grouping label renders as ""', async (t) => {
  t.equal(groupKeyFor(alert({ service: 'db' }), ['service', 'env']), 'labels:{env="",service="db"}');
  t.equal(groupKeyFor(alert({}), ['service']), 'labels:{service=""}');
  t.equal(
    groupKeyFor(alert({ service: 'db' }), ['env', 'service']),
    groupKeyFor(alert({ service: 'db', env: '' }), ['env', 'service']),
    'missing and empty group together, as in Alertmanager',
  );
});

t.test('values that look like the key syntax cannot collide', async (t) => {
  const grouping = ['a', 'b'];
  const sets: Record<string, string>[] = [
    { a: 'x",b="y', b: '' },
    { a: 'x', b: 'y' },
    { a: 'x,b=y' },
    { a: 'x}', b: '{y' },
    { a: 'x\\', b: 'y' },
    { a: 'x\n', b: 'y' },
  ];
  const keys = sets.map((labels) => groupKeyFor(alert(labels), grouping));
  t.equal(new Set(keys).size, keys.length, keys.join(' | '));
});

const labelName = fc.constantFrom('env', 'service', 'region', 'team', 'a', 'b');
const labelValue = fc.oneof(
  fc.constantFrom('', 'prod', 'db', '"', ',', '=', '}', '\\'),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);
const labels = fc.dictionary(labelName, labelValue, { maxKeys: 6 });
const groupingLabels = fc.uniqueArray(labelName, { minLength: 1, maxLength: 4 });

t.test('property: equal keys exactly when the grouping values are equal (missing as "")', async (t) => {
  fc.assert(
    fc.property(groupingLabels, labels, labels, (grouping, x, y) => {
      const sameValues = grouping.every((n) => (x[n] ?? '') === (y[n] ?? ''));
      return (groupKeyFor(alert(x), grouping) === groupKeyFor(alert(y), grouping)) === sameValues;
    }),
    { numRuns: 2000 },
  );
  t.pass('held for 2000 runs');
});

t.test('property: neither label insertion order nor grouping order changes the key', async (t) => {
  fc.assert(
    fc.property(groupingLabels, labels, (grouping, l) => {
      const reversedLabels = Object.fromEntries(Object.entries(l).reverse());
      const key = groupKeyFor(alert(l), grouping);
      return key === groupKeyFor(alert(reversedLabels), [...grouping].reverse()) && key.startsWith('labels:{');
    }),
    { numRuns: 1000 },
  );
  t.pass('held for 1000 runs');
});

t.test('a grouping label named like an Object.prototype member is missing when the alert lacks it', async (t) => {
  t.equal(groupKeyFor(alert({}), ['constructor']), 'labels:{constructor=""}');
});
