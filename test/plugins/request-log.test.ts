/** Each request logs one line at info, when it completes: the request (key masked), its status and time. */
import t from 'tap';
import { buildTestApp } from '../helper.js';

t.test('one info line per request, with method, masked URL, status and time', async (t) => {
  const { app, logged } = await buildTestApp(t, { captureLog: true });
  await app.inject({ method: 'GET', url: '/health/live' });
  await app.inject({
    method: 'POST',
    url: '/v1/webhooks/alertmanager/klx_am_notakey',
    headers: { 'content-type': 'application/json' },
    payload: '{}',
  });
  const lines = logged()
    .split('\n')
    .filter(Boolean)
    .map(
      (l) =>
        JSON.parse(l) as {
          msg: string;
          level: number;
          req?: { method: string; url: string };
          res?: { statusCode: number };
          responseTime?: number;
        },
    );
  const requests = lines.filter((l) => l.msg === 'request completed');
  t.equal(requests.length, 2, 'one line per request');
  t.equal(lines.filter((l) => l.msg === 'incoming request').length, 0, 'no arrival line at info');
  t.same(
    requests.map((l) => [l.req?.method, l.req?.url, l.res?.statusCode, typeof l.responseTime]),
    [
      ['GET', '/health/live', 200, 'number'],
      ['POST', '/v1/webhooks/alertmanager/<redacted>', 401, 'number'],
    ],
  );
  t.notMatch(logged(), 'klx_am_notakey', 'the key never appears');
});
