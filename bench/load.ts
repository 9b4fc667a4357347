/**
 * Runs one fixed-duration load against a loopback URL in a child process
 * (bench/load-worker.ts), so autocannon's event loop never competes with the
 * server's inside one thread. On this 2-core machine the generator, the server
 * and PostgreSQL still share the cores: compare ratios from one run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A fixed body for every request. */
  body?: string;
  /** When set, every request is a new Alertmanager group (payloads.ts distinctBody) tagged with this. */
  distinctTag?: string;
  durationSeconds: number;
  connections: number;
}

export interface LoadResult {
  /** autocannon's mean of the per-second samples, as its CLI's "Req/Sec Avg". */
  requestsPerSecond: number;
  durationSeconds: number;
  sent: number;
  /** 2xx responses received (latencies are of these). */
  ok: number;
  non2xx: number;
  /** Connection errors, including timeouts. */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latencyMs: { p50: number; p99: number; avg: number; max: number };
}

const workerPath = fileURLToPath(new URL('./load-worker.ts', import.meta.url));
let current: ChildProcess | undefined;

/** Ends the run in progress early (its partial result still comes back). */
export function stopLoad(): void {
  if (current?.connected) current.send('stop');
}

/** `onStart` runs when the first requests go out (after the child's start-up). */
export function runLoad(spec: LoadSpec, onStart?: () => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // The parent's execArgv (`--import tsx`) is inherited, so the worker runs as TypeScript.
    const child = fork(workerPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    current = child;
    let answer: LoadResult | undefined;
    let failure: string | undefined;
    // A hung run is ended: the duration plus the request timeout plus start-up slack.
    const guard = setTimeout(() => child.kill('SIGKILL'), (spec.durationSeconds + 30) * 1000);
    child.on('message', (msg: LoadResult | { error: string } | 'started') => {
      if (msg === 'started') onStart?.();
      else if ('error' in msg) failure = msg.error;
      else answer = msg;
    });
    child.on('error', (err) => {
      failure ??= String(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (current === child) current = undefined;
      if (answer) resolve(answer);
      else reject(new Error(`load generator failed (${failure ?? `exit ${code ?? signal}`})`));
    });
    child.send(spec);
  });
}
