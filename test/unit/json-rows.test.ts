import t from 'tap';
import { jsonRows, pgTime } from '../../src/db/json-rows.js';

t.test('pgTime writes years after 9999 as PostgreSQL reads them', async (t) => {
  t.equal(pgTime(new Date('2026-11-23T10:00:00.000Z')), '2026-11-23T10:00:00.000Z');
  t.equal(pgTime(new Date(253402300800000)), '10000-01-01T00:00:00.000Z');
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
