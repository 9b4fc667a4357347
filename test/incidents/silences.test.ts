import t from 'tap';
import type { MatcherRow } from '../../src/db/schema.js';
import { KlaxonError } from '../../src/errors.js';
import { createSilence, expireSilence, listSilences, loadActiveSilences, silencedBy, silenceStatus } from '../../src/incidents/silences.js';
import { openTestDatabase } from '../helper.js';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const eq = (name: string, value: string): MatcherRow => ({ name, value, isRegex: false, isEqual: true });

t.test('silenceStatus follows the clock and expired_at', async (t) => {
  t.equal(silenceStatus({ starts_at: at(1), ends_at: at(60), expired_at: null }, NOW), 'pending');
  t.equal(silenceStatus({ starts_at: at(0), ends_at: at(60), expired_at: null }, NOW), 'active', 'active from its start');
  t.equal(silenceStatus({ starts_at: at(-60), ends_at: at(0), expired_at: null }, NOW), 'expired', 'expired at its end');
  t.equal(silenceStatus({ starts_at: at(-60), ends_at: at(60), expired_at: at(-1) }, NOW), 'expired');
});

t.test('silencedBy: equality, regex and negative matchers; the first match wins', async (t) => {
  const { db } = await openTestDatabase(t);
  const insert = async (matchers: MatcherRow[], startMin: number, endMin: number, createdMin: number, expiredMin?: number) => {
    const row = await db
      .insertInto('silences')
      .values({
        matchers: JSON.stringify(matchers),
        starts_at: at(startMin),
        ends_at: at(endMin),
        comment: 'test',
        created_by: 'tester',
        created_at: at(createdMin),
        expired_at: expiredMin === undefined ? null : at(expiredMin),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };

  const pending = await insert([eq('alertname', 'Pending')], 5, 60, -10);
  const ended = await insert([eq('alertname', 'Ended')], -60, -1, -70);
  const expired = await insert([eq('alertname', 'Expired')], -60, 60, -70, -5);
  const dbProd = await insert([eq('service', 'db'), { name: 'env', value: 'prod|staging', isRegex: true, isEqual: true }], -10, 60, -20);
  const notCritical = await insert(
    [
      eq('team', 'web'),
      { name: 'severity', value: 'critical', isRegex: false, isEqual: false },
      { name: 'instance', value: 'canary-.*', isRegex: true, isEqual: false },
    ],
    -10,
    60,
    -15,
  );
  const broad = await insert([eq('service', 'db')], -10, 60, -5);

  const active = await loadActiveSilences(db, NOW);
  t.strictSame(
    active.map((s) => s.id),
    [dbProd, notCritical, broad],
    'only active silences, oldest first',
  );
  t.strictSame(
    active.map((s) => s.endsAt.toISOString()),
    [at(60), at(60), at(60)].map((d) => d.toISOString()),
  );
  t.notOk([pending, ended, expired].some((id) => active.some((s) => s.id === id)));

  t.equal(silencedBy(active, { alertname: 'Pending' }), undefined, 'a pending silence does not silence');
  t.equal(silencedBy(active, { alertname: 'Ended' }), undefined, 'an ended silence does not silence');
  t.equal(silencedBy(active, { alertname: 'Expired' }), undefined, 'an expired silence does not silence');

  t.equal(silencedBy(active, { service: 'db', env: 'prod' }), dbProd, 'first match wins over the broader later one');
  t.equal(silencedBy(active, { service: 'db', env: 'staging' }), dbProd);
  t.equal(silencedBy(active, { service: 'db', env: 'production' }), broad, 'regexes are anchored');
  t.equal(silencedBy(active, { service: 'db' }), broad);
  t.equal(silencedBy(active, { service: 'dbx', env: 'prod' }), undefined, 'equality is exact');

  t.equal(silencedBy(active, { team: 'web', severity: 'warning', instance: 'web-1' }), notCritical);
  t.equal(silencedBy(active, { team: 'web' }), notCritical, 'absent labels count as "" for negative matchers');
  t.equal(silencedBy(active, { team: 'web', severity: 'critical' }), undefined, '!= excludes');
  t.equal(silencedBy(active, { team: 'web', instance: 'canary-7' }), undefined, '!~ excludes');
  t.equal(silencedBy(active, { team: 'web', instance: 'xcanary-7' }), notCritical, '!~ is anchored too');
  t.equal(silencedBy([], { service: 'db' }), undefined);

  t.strictSame((await loadActiveSilences(db, at(6))).length, 4, 'the pending one becomes active at its start');
  t.strictSame((await loadActiveSilences(db, at(60))).length, 0, 'none is active at the shared end');
  await db.transaction().execute(async (trx) => {
    t.strictSame(
      (await loadActiveSilences(trx, NOW)).map((s) => s.id),
      [dbProd, notCritical, broad],
      'works in a transaction',
    );
  });
});

t.test('a stored regex that no longer compiles is skipped, not fatal', async (t) => {
  const { db } = await openTestDatabase(t);
  await db
    .insertInto('silences')
    .values({
      matchers: JSON.stringify([{ name: 'a', value: '(', isRegex: true, isEqual: true }]),
      starts_at: at(-1),
      ends_at: at(10),
      comment: 'bad',
      created_by: 'x',
    })
    .execute();
  t.strictSame(await loadActiveSilences(db, NOW), []);
});

t.test('createSilence validates, defaults and clamps; expireSilence ends it', async (t) => {
  const { db } = await openTestDatabase(t);
  const created = await createSilence(
    db,
    { matchers: [{ name: 'service', value: 'db' }], startsAt: at(-30).toISOString(), endsAt: at(30).toISOString(), comment: 'maintenance' },
    'alice',
    NOW,
  );
  t.strictSame(
    created,
    {
      id: created.id,
      matchers: [{ name: 'service', value: 'db', isRegex: false, isEqual: true }],
      startsAt: NOW.toISOString(),
      endsAt: at(30).toISOString(),
      comment: 'maintenance',
      createdBy: 'alice',
      createdAt: NOW.toISOString(),
      status: 'active',
    },
    'flags defaulted and a past start moved to now',
  );

  const later = await createSilence(
    db,
    { matchers: [{ name: 'service', value: 'web' }], startsAt: at(10).toISOString(), endsAt: at(20).toISOString(), comment: 'x' },
    'bob',
    NOW,
  );
  t.equal(later.status, 'pending');
  t.equal(later.startsAt, at(10).toISOString());

  const rejected = async (input: Parameters<typeof createSilence>[1]) => {
    try {
      await createSilence(db, input, 'alice', NOW);
    } catch (err) {
      t.ok(err instanceof KlaxonError);
      return (err as KlaxonError).errors;
    }
    t.fail('expected a validation error');
    return undefined;
  };
  t.strictSame(
    await rejected({ matchers: [eq('a', 'b')], endsAt: at(-1).toISOString(), comment: 'x' }),
    [{ path: '/body/endsAt', message: 'must be after startsAt' }],
    'a default start of now makes a past end come before it',
  );
  t.strictSame(await rejected({ matchers: [eq('a', 'b')], startsAt: at(-10).toISOString(), endsAt: at(-1).toISOString(), comment: 'x' }), [
    { path: '/body/endsAt', message: 'must be in the future' },
  ]);

  // Pending: expiring it moves both ends to now, keeping starts_at <= ends_at.
  await expireSilence(db, later.id, at(1));
  const row = await db.selectFrom('silences').selectAll().where('id', '=', later.id).executeTakeFirstOrThrow();
  t.strictSame(
    [row.starts_at.toISOString(), row.ends_at.toISOString(), row.expired_at?.toISOString()],
    [at(1), at(1), at(1)].map((d) => d.toISOString()),
  );
  await expireSilence(db, later.id, at(2));
  const again = await db.selectFrom('silences').selectAll().where('id', '=', later.id).executeTakeFirstOrThrow();
  t.equal(again.expired_at?.toISOString(), at(1).toISOString(), 'expiring again changes nothing');

  t.strictSame(
    (await listSilences(db, {}, at(1))).map((s) => s.id),
    [created.id],
  );
  t.strictSame(
    (await listSilences(db, { state: 'expired' }, at(1))).map((s) => s.id),
    [later.id],
  );
  t.strictSame(
    (await listSilences(db, { state: 'all' }, at(1))).map((s) => s.status),
    ['active', 'expired'],
  );
  await t.rejects(expireSilence(db, '00000000-0000-4000-8000-000000000000', NOW), { code: 'KLX_SILENCE_NOT_FOUND', statusCode: 404 });
});
