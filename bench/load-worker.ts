/**
 * The load generator, run by bench/load.ts as a child process (its own event
 * loop, like the autocannon CLI beside a server): receives one LoadSpec over
 * IPC, runs autocannon against 127.0.0.1, answers with a LoadResult, exits.
 * A 'stop' message ends the run early (the partial result is still sent).
 */
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.js';
import { distinctBody } from './payloads.js';

if (!process.send) throw new Error('bench/load-worker.ts is started by bench/load.ts, not by hand');

// The parent went away (crashed or was killed): never keep loading a server.
process.on('disconnect', () => process.exit(0));

process.once('message', (spec: LoadSpec) => {
  const url = new URL(spec.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(`refusing to load a non-loopback address: ${url.hostname}`);
  }
  let n = 0;
  const options: autocannon.Options = {
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    connections: spec.connections,
    duration: spec.durationSeconds,
    timeout: 10,
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    ...(spec.distinctTag !== undefined
      ? {
          requests: [
            {
              setupRequest: (request: autocannon.Request) => ({ ...request, body: distinctBody(spec.distinctTag!, n++) }),
            },
          ],
        }
      : {}),
    ...(spec.bodies !== undefined && spec.bodies.length > 0
      ? {
          requests: [
            {
              setupRequest: (request: autocannon.Request) => ({ ...request, body: spec.bodies![n++ % spec.bodies!.length] }),
            },
          ],
        }
      : {}),
  };
  const instance = autocannon(options, (err, result) => {
    if (err) {
      process.send!({ error: String(err) }, () => process.exit(1));
      return;
    }
    const out: LoadResult = {
      requestsPerSecond: result.requests.average,
      durationSeconds: result.duration,
      sent: result.requests.sent,
      ok: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0])),
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, avg: result.latency.average, max: result.latency.max },
    };
    process.send!(out, () => process.exit(0));
  });
  instance.on('start', () => process.send!('started'));
  process.on('message', (msg) => {
    if (msg === 'stop') instance.stop();
  });
  // Ctrl-C reaches the whole process group: finish like a 'stop' and let the parent report and clean up.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => instance.stop());
});
