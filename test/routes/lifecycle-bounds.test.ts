/** Edge inputs on the lifecycle's reads and writes: dates at the ends of the range, huge numbers, NUL, lone surrogates. */
import t from 'tap';
import { buildTestApp } from '../helper.js';

t.test('dates at the ends of the range, huge numbers, NUL and lone surrogates: 2xx or 4xx, never 5xx', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const h = await auth('responder');
  for (const [url, status] of [
    ['/v1/incidents?openedAfter=0000-01-01T00:00:00Z', 200], // year 0: PostgreSQL reads it as 1 BC
    ['/v1/incidents?resolvedBefore=9999-12-31T23:59:59Z', 200],
    ['/v1/changes?after=0000-01-01T00:00:00Z', 200],
    ['/v1/stats?from=0000-01-01T00:00:00Z&to=9999-12-31T23:59:59Z', 200],
    ['/v1/stats?from=2026-02-30T00:00:00Z', 400], // no such day
    ['/v1/incidents/999999999999999', 404],
    ['/v1/incidents/9999999999999999', 400], // more digits than an incident number has
    ['/v1/incidents?q=%00', 400],
  ] as const) {
    t.equal((await app.inject({ url, headers: h })).statusCode, status, url);
  }
  const nul = await app.inject({ method: 'POST', url: '/v1/incidents', headers: h, payload: { title: 'a\u0000b', severity: 'SEV1' } });
  t.equal(nul.statusCode, 400, 'NUL in a title');
  const lone = await app.inject({ method: 'POST', url: '/v1/incidents', headers: h, payload: { title: 'a\ud800b', severity: 'SEV1' } });
  t.equal(lone.statusCode, 201, 'a lone surrogate is stored as U+FFFD');
  t.equal(lone.json().title, 'a\ufffdb');
  const note = await app.inject({ method: 'POST', url: `/v1/incidents/${lone.json().id}/notes`, headers: h, payload: { text: 'x\ud800' } });
  t.equal(note.statusCode, 201);
});
