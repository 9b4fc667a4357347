import t from 'tap';
import { jsonRows, pgTime } from '../../src/db/json-rows.js';

t.test('pgTime writes years after 9999 as PostgreSQL reads them', async (t) => {
  t.equal(pgTime(new Date('2026-11-23T10:00:00.000Z')), '2026-11-23T10:00:00.000Z');
  t.equal(pgTime(new Date(253402300800000)), '10000-01-01T00:00:00.000Z');
  t.equal(pgTime(new Date(8.64e15)), '275760-09-13T00:00:00.000Z', 'the last instant a Date holds');
});

t.test('pgTime writes years before 1 AD as BC, year 0 being 1 BC', async (t) => {
  t.equal(pgTime(new Date('0001-01-01T00:00:00Z')), '0001-01-01T00:00:00.000Z', 'year 1 is AD');
  t.equal(pgTime(new Date('0000-02-29T12:30:00.250Z')), '0001-02-29T12:30:00.250Z BC');
  t.equal(pgTime(new Date('-000003-12-31T00:00:00Z')), '0004-12-31T00:00:00.000Z BC');
  t.equal(pgTime(new Date(-8.64e15)), '271822-04-20T00:00:00.000Z BC', 'the first instant a Date holds');
});

t.test("jsonRows writes each row's own Date columns through pgTime, and nothing else", async (t) => {
  const far = new Date(253402300800000);
  const row = { id: 1, at: far, data: { nested: far }, label: '+010000-01-01T00:00:00.000Z' };
  const [written] = JSON.parse(jsonRows([row, { id: 2 }]));
  t.equal(written.at, '10000-01-01T00:00:00.000Z', 'a column PostgreSQL reads as timestamptz');
  t.equal(written.data.nested, far.toJSON(), 'a Date inside a json column stays as JSON.stringify writes it');
  t.equal(written.label, '+010000-01-01T00:00:00.000Z', 'a string that looks like one is left alone');
  t.equal(row.at, far, 'the row given is not changed');
  t.same(JSON.parse(jsonRows([{ id: 2 }])), [{ id: 2 }]);
});
