/**
 * Webhook and heartbeat keys are checked in onRequest: an unauthenticated sender
 * gets its 401 before Klaxon reads the body, even one that never finishes.
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { buildTestApp, createIntegration } from '../helper.js';

/** Sends headers and a first chunk of a body announced as 1 MiB, never the rest; resolves with the answer. */
function unfinishedPost(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; bodyFinished: boolean }>((resolve, reject) => {
    const req = http.request({
      port,
      host: '127.0.0.1',
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', 'content-length': String(1024 * 1024), ...headers },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, bodyFinished: req.writableEnded });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write('{"alerts": [');
    // The rest of the body never comes: the request stays unended.
  });
}

t.test('a wrong key is refused before the body arrives', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const integration = await createIntegration(app, await auth('admin'), { name: 'am', kind: 'alertmanager' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;

  for (const [path, headers] of [
    ['/v1/webhooks/alertmanager', {}],
    ['/v1/webhooks/alertmanager', { authorization: 'Bearer klx_int_wrong' }],
    ['/v1/webhooks/alertmanager/klx_int_wrong', {}],
    ['/v1/webhooks/datadog', { authorization: `Bearer ${integration.key}` }], // a key of another kind
    ['/v1/heartbeats/klx_int_wrong', {}],
  ] as const) {
    const res = await unfinishedPost(port, path, headers);
    t.equal(res.status, 401, `${path} ${JSON.stringify(headers)}`);
    t.equal(res.bodyFinished, false, 'answered while the body was still incomplete');
    t.equal(JSON.parse(res.body).code, 'KLX_UNAUTHENTICATED');
  }
});
