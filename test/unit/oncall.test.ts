import fc from 'fast-check';
import t from 'tap';
import { type Layer, onCallAt, type Schedule } from '../../src/escalation/oncall.js';
import { dayNumber, fromLocal, isTimeZone, toLocal, utcTime } from '../../src/escalation/zoned-time.js';

const A = 'user-a';
const B = 'user-b';
const C = 'user-c';

function schedule(zone: string, layers: Layer[], overrides: Schedule['overrides'] = []): Schedule {
  return { id: 's', timeZone: zone, layers, overrides };
}
const daily = (startDate: string, handoffTime: string, users = [A, B, C]): Layer => ({
  name: 'primary',
  users,
  rotation: { unit: 'days', length: 1 },
  handoffTime,
  startDate,
});
const who = (s: Schedule, iso: string) => onCallAt(s, new Date(iso)).userIds;

t.test('zoned time: offsets and wall-clock resolution in Europe/Berlin', async (t) => {
  t.ok(isTimeZone('Europe/Berlin'));
  t.notOk(isTimeZone('Mars/Olympus_Mons'));
  t.same(toLocal(Date.parse('2026-03-29T01:00:00Z'), 'Europe/Berlin').hour, 3, 'clock jumps 02:00 → 03:00 at 01:00Z');
  const at = (h: number, m: number, day: number, month: number) =>
    new Date(fromLocal({ year: 2026, month, day, hour: h, minute: m, second: 0 }, 'Europe/Berlin')).toISOString();
  t.equal(at(2, 30, 29, 3), '2026-03-29T01:30:00.000Z', 'a skipped 02:30 is 03:30 CEST');
  t.equal(at(2, 30, 25, 10), '2026-10-25T00:30:00.000Z', 'a repeated 02:30 is its first occurrence (CEST)');
  t.equal(at(9, 0, 25, 10), '2026-10-25T08:00:00.000Z', '09:00 after fall-back is CET');
});

t.test('years 0–99 are those years, not 1900–1999 (Date.UTC would read them so)', async (t) => {
  t.equal(utcTime(50, 1, 1, 9, 30), Date.parse('0050-01-01T09:30:00Z'));
  t.equal(utcTime(2026, 13, 1), Date.parse('2027-01-01T00:00:00Z'), 'fields overflow as Date.UTC');
  t.equal(dayNumber(1, 1, 1), Math.floor(Date.parse('0001-01-01T00:00:00Z') / 86400_000));
  // Seven users, daily from 0050-01-01: who is on call depends on the days counted since then
  // (1950 is 693,960 days later, a multiple of 2 to 6: seven users tell the two apart).
  const users = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
  const s = schedule('UTC', [daily('0050-01-01', '09:00', users)]);
  const days = Math.floor((Date.parse('2026-06-01T12:00:00Z') - Date.parse('0050-01-01T09:00:00Z')) / 86400_000);
  t.same(who(s, '2026-06-01T12:00:00Z'), [users[days % 7]]);
  t.same(who(s, '0049-12-31T12:00:00Z'), [], 'nobody before the first hand-off in year 50');
});

t.test('daily 09:00 hand-off stays 09:00 local across spring-forward (Europe/Berlin)', async (t) => {
  const s = schedule('Europe/Berlin', [daily('2026-03-27', '09:00')]);
  t.same(who(s, '2026-03-27T08:00:00Z'), [A], 'first hand-off at 09:00 CET');
  t.same(who(s, '2026-03-27T07:59:59Z'), [], 'nobody before the first hand-off');
  t.same(who(s, '2026-03-28T08:00:00Z'), [B]);
  t.same(who(s, '2026-03-29T06:59:59Z'), [B], 'B until 09:00 CEST');
  t.same(who(s, '2026-03-29T07:00:00Z'), [C], '09:00 CEST is 07:00Z: 23 hours after the last hand-off');
  const shift = onCallAt(s, new Date('2026-03-28T12:00:00Z')).shifts[0]!;
  t.equal(shift.start.toISOString(), '2026-03-28T08:00:00.000Z');
  t.equal(shift.end?.toISOString(), '2026-03-29T07:00:00.000Z', 'the shift spanning spring-forward lasts 23 h');
});

t.test('daily 09:00 hand-off across fall-back (Europe/Berlin)', async (t) => {
  const s = schedule('Europe/Berlin', [daily('2026-10-23', '09:00')]);
  t.same(who(s, '2026-10-24T07:00:00Z'), [B], '09:00 CEST');
  t.same(who(s, '2026-10-25T07:59:59Z'), [B], 'still B an hour after 24 elapsed hours');
  t.same(who(s, '2026-10-25T08:00:00Z'), [C], '09:00 CET');
});

t.test('a hand-off inside the transition hour (Europe/Berlin, 02:30)', async (t) => {
  const spring = schedule('Europe/Berlin', [daily('2026-03-28', '02:30')]);
  t.same(who(spring, '2026-03-29T00:59:59Z'), [A], '01:59:59 CET');
  t.same(who(spring, '2026-03-29T01:29:59Z'), [A], '03:29:59 CEST: the skipped 02:30 has not come yet');
  t.same(who(spring, '2026-03-29T01:30:00Z'), [B], 'hands off at 03:30 CEST');
  const fall = schedule('Europe/Berlin', [daily('2026-10-24', '02:30')]);
  t.same(who(fall, '2026-10-25T00:29:59Z'), [A]);
  t.same(who(fall, '2026-10-25T00:30:00Z'), [B], 'first 02:30 (CEST)');
  t.same(who(fall, '2026-10-25T01:15:00Z'), [B], 'the second pass through 02:15 (CET) does not hand back');
  t.same(who(fall, '2026-10-26T01:30:00Z'), [C], 'next day 02:30 CET');
});

t.test('weekly Monday 09:00 hand-off across spring-forward (America/New_York)', async (t) => {
  const weekly: Layer = { name: 'w', users: [A, B], rotation: { unit: 'weeks', length: 1 }, handoffTime: '09:00', startDate: '2026-03-02' };
  const s = schedule('America/New_York', [weekly]);
  t.same(who(s, '2026-03-02T14:00:00Z'), [A], '09:00 EST');
  t.same(who(s, '2026-03-09T12:59:59Z'), [A]);
  t.same(who(s, '2026-03-09T13:00:00Z'), [B], '09:00 EDT, 167 elapsed hours later');
  t.same(who(s, '2026-03-16T13:00:00Z'), [A], 'round again');
});

t.test('12-hour shifts keep 09:00/21:00 local across fall-back (America/New_York)', async (t) => {
  const shifts: Layer = {
    name: 'h',
    users: [A, B],
    rotation: { unit: 'hours', length: 12 },
    handoffTime: '09:00',
    startDate: '2026-10-31',
  };
  const s = schedule('America/New_York', [shifts]);
  t.same(who(s, '2026-10-31T13:00:00Z'), [A], '09:00 EDT');
  t.same(who(s, '2026-11-01T01:00:00Z'), [B], '21:00 EDT');
  t.same(who(s, '2026-11-01T13:30:00Z'), [B], 'the night shift over fall-back lasts 13 hours');
  t.same(who(s, '2026-11-01T14:00:00Z'), [A], '09:00 EST');
});

t.test('a layer zone overrides the schedule zone', async (t) => {
  const s = schedule('UTC', [{ ...daily('2026-01-01', '09:00', [A, B]), timeZone: 'Asia/Tokyo' }]);
  t.same(who(s, '2026-01-01T00:00:00Z'), [A], '09:00 JST is 00:00Z');
  t.same(who(s, '2026-01-01T23:59:59Z'), [A]);
  t.same(who(s, '2026-01-02T00:00:00Z'), [B]);
});

t.test('several layers are on call together; overrides replace them for their window', async (t) => {
  const primary = daily('2026-01-01', '09:00', [A, B]);
  const secondary = { ...daily('2026-01-01', '09:00', [C]), name: 'secondary' };
  const empty = { ...daily('2026-01-01', '09:00', []), name: 'empty' };
  const override = { id: 'o1', userId: C, start: new Date('2026-01-02T12:00:00Z'), end: new Date('2026-01-02T18:00:00Z') };
  const s = schedule('UTC', [primary, secondary, empty], [override]);
  t.same(who(s, '2026-01-01T10:00:00Z'), [A, C], 'primary then secondary');
  t.same(who(s, '2026-01-02T11:59:59Z'), [B, C]);
  const during = onCallAt(s, new Date('2026-01-02T12:00:00Z'));
  t.same(during.userIds, [C], 'the override replaces everyone');
  t.same(during.shifts[0]?.source, { type: 'override', id: 'o1' });
  t.same(who(s, '2026-01-02T18:00:00Z'), [B, C], 'the override ends exclusive of its end');
  const same = schedule('UTC', [primary, { ...primary, name: 'dup' }]);
  t.same(who(same, '2026-01-01T10:00:00Z'), [A], 'a person on two layers is listed once');
});

t.test('property: the shift found contains the instant and its end hands off to the next user', async (t) => {
  const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'UTC'];
  fc.assert(
    fc.property(
      fc.constantFrom(...zones),
      fc.constantFrom('hours', 'days', 'weeks'),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 2 * 365 * 24 * 60 }),
      (zone, unit, length, hour, minutes) => {
        const layer: Layer = {
          name: 'p',
          users: [A, B, C],
          rotation: { unit: unit as Layer['rotation']['unit'], length },
          handoffTime: `${String(hour).padStart(2, '0')}:30`,
          startDate: '2025-01-01',
        };
        const s = schedule(zone, [layer]);
        const at = new Date(Date.parse('2025-01-03T00:00:00Z') + minutes * 60_000);
        const shift = onCallAt(s, at).shifts[0]!;
        if (!(shift.start <= at && shift.end !== null && at < shift.end)) return false;
        const next = onCallAt(s, shift.end).shifts[0]!;
        const order = [A, B, C];
        return order.indexOf(next.userId) === (order.indexOf(shift.userId) + 1) % 3 && next.start.getTime() === shift.end.getTime();
      },
    ),
    { numRuns: 400 },
  );
  t.pass('held for 400 random schedules and instants');
});
