import t from 'tap';
import { Coalescer } from '../../src/incidents/coalescer.js';
import type { PreparedAlert } from '../../src/incidents/incident-store.js';
import { AlertMemory, type KnownAlert, learned, planRepeat } from '../../src/incidents/repeats.js';
import { prepared } from '../support/prepared.js';

const known: KnownAlert = { incidentId: 'i1', incidentNumber: 7, severity: 'SEV3', groupKey: 'g' };
const memory = (entries: Record<string, KnownAlert>) => (identity: string) => entries[identity];

t.test('planRepeat: every alert firing and remembered unchanged → a repeat in its incident', async (t) => {
  const plan = planRepeat([prepared('a'), prepared('b')], memory({ a: known, b: known }));
  t.same(plan?.summaries, [
    { identity: 'a', incidentId: 'i1', incidentNumber: 7, outcome: 'duplicate' },
    { identity: 'b', incidentId: 'i1', incidentNumber: 7, outcome: 'duplicate' },
  ]);
  t.same(
    plan?.alerts.map((a) => a.expected),
    [known, known],
  );
});

t.test('planRepeat: anything else takes the full path', async (t) => {
  const m = memory({ a: known, b: known });
  const cases: [string, PreparedAlert[]][] = [
    ['no alerts', []],
    ['one alert unknown', [prepared('a'), prepared('c')]],
    ['a resolve', [prepared('a', { status: 'resolved' })]],
    ['details omitted', [prepared('a', { detailsOmitted: true })]],
    ['severity changed', [prepared('a', { decided: { severity: 'SEV1', reason: 'rule' } })]],
    ['group changed', [prepared('a', { groupKey: 'other' })]],
  ];
  for (const [name, alerts] of cases) t.equal(planRepeat(alerts, m), null, name);
});

t.test('learned: firing in an incident is remembered; resolved, suppressed and stale are forgotten', async (t) => {
  const alerts = [prepared('a'), prepared('b'), prepared('c', { status: 'resolved' }), prepared('d'), prepared('e')];
  const summaries = [
    { identity: 'a', incidentId: 'i1', incidentNumber: 7, outcome: 'created' as const },
    { identity: 'b', incidentId: null, incidentNumber: null, outcome: 'suppressed' as const },
    { identity: 'c', incidentId: 'i1', incidentNumber: 7, outcome: 'resolved' as const },
    { identity: 'd', incidentId: 'i1', incidentNumber: null, outcome: 'duplicate' as const }, // a stale firing
    { identity: 'e', incidentId: 'i1', incidentNumber: 7, outcome: 'duplicate' as const },
  ];
  t.same(learned(alerts, summaries), [
    ['a', known],
    ['b', undefined],
    ['c', undefined],
    ['d', undefined],
    ['e', known],
  ]);
});

t.test('AlertMemory: bounded, oldest out first; set(undefined) forgets', async (t) => {
  const m = new AlertMemory(2);
  m.set('i', 'a', known);
  m.set('i', 'b', known);
  m.set('i', 'c', known);
  t.equal(m.get('i', 'a'), undefined, 'the oldest went out');
  t.same(m.get('i', 'b'), known, 'the next one stayed');
  t.same(m.get('i', 'c'), known);
  t.equal(m.get('other', 'c'), undefined, 'per integration');
  m.set('i', 'c', undefined);
  t.equal(m.get('i', 'c'), undefined);
});

/** A coalescer of numbers answering x × 10, one batch at a time, whose first batch waits for `release`. */
function gatedFirstBatch(options: { maxBatch: number; weight?: (x: number) => number }) {
  const batches: number[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const c = new Coalescer<number, number>(
    async (batch) => {
      batches.push(batch);
      if (batches.length === 1) await gate;
      return batch.map((x) => x * 10);
    },
    { maxInFlight: 1, keys: () => [], ...options },
  );
  return { c, batches, release };
}

t.test('Coalescer: alone when idle; what arrives while a batch runs goes together in the next', async (t) => {
  const { c, batches, release } = gatedFirstBatch({ maxBatch: 3 });
  const first = c.submit(1);
  const rest = [2, 3, 4, 5].map((x) => c.submit(x));
  release();
  t.same(await Promise.all([first, ...rest]), [10, 20, 30, 40, 50], 'each gets its own answer');
  t.same(batches, [[1], [2, 3, 4], [5]], 'batches of at most 3, in order');
});

t.test('Coalescer: a failed batch rejects its items only', async (t) => {
  const c = new Coalescer<number, number>(
    async (batch) => {
      if (batch.includes(2)) throw new Error('boom');
      return batch;
    },
    { maxInFlight: 1, maxBatch: 1, keys: () => [] },
  );
  const results = await Promise.allSettled([c.submit(1), c.submit(2), c.submit(3)]);
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
});

t.test('Coalescer: an item waits while a running batch holds its key; others run beside it', async (t) => {
  const batches: string[][] = [];
  const gates = new Map<string, () => void>();
  const c = new Coalescer<string, string>(
    async (batch) => {
      batches.push(batch);
      await new Promise<void>((r) => gates.set(batch.join(), r));
      return batch;
    },
    { maxInFlight: 3, maxBatch: 10, keys: (item) => [item[0]!] },
  );
  const a1 = c.submit('a1');
  const a2 = c.submit('a2');
  const a3 = c.submit('a3');
  const b1 = c.submit('b1');
  await new Promise((r) => setImmediate(r));
  t.same(batches, [['a1'], ['b1']], 'a2 and a3 wait for a1 (same key); b1 runs beside it');
  gates.get('a1')!();
  await a1;
  await new Promise((r) => setImmediate(r));
  t.same(batches[2], ['a2', 'a3'], 'then both together');
  gates.get('b1')!();
  gates.get('a2,a3')!();
  t.same(await Promise.all([a2, a3, b1]), ['a2', 'a3', 'b1']);
});

t.test('Coalescer: a batch carries up to maxBatch by weight, and always at least one item', async (t) => {
  const { c, batches, release } = gatedFirstBatch({ maxBatch: 10, weight: (x) => x });
  const all = [1, 4, 5, 2, 30, 3].map((x) => c.submit(x));
  release();
  await Promise.all(all);
  t.same(batches, [[1], [4, 5], [2, 3], [30]], 'weights 9, 5 (+30 skipped), then the heavy one alone');
});
