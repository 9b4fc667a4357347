/**
 * Runs one fixed-duration load against a loopback URL in a child process
 * (bench/load-worker.ts), so autocannon's event loop never competes with the
 * server's inside one thread. On this 2-core machine the generator, the server
 * and PostgreSQL still share the cores: compare ratios from one run.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A fixed body for every request. */
  body?: string;
  /** When set, the requests cycle through these bodies in order (round-robin over the whole run). */
  bodies?: string[];
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
  /** 2xx responses received. */
  ok: number;
  non2xx: number;
  /** Connection errors, including timeouts. */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Of every response (autocannon counts non-2xx ones too), in milliseconds. */
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

/** All cores' busy and total time from /proc/stat (Linux); undefined elsewhere. */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - fields[3]! - fields[4]!, total }; // idle and iowait are not busy
  } catch {
    return undefined;
  }
}

export interface MeasuredLoad {
  result: LoadResult;
  /** CPU this process used while the load ran, in cores: the servers' (the generator is a child). */
  serverCpu: number;
  /** Share of all cores busy while the load ran: servers, generator, PostgreSQL and anything else. */
  machineCpu?: number;
}

/** runLoad, plus the CPU used from the first request to the result. */
export async function measureLoad(spec: LoadSpec): Promise<MeasuredLoad> {
  let cpu = process.cpuUsage();
  let machine = machineTicks();
  let started = performance.now();
  const result = await runLoad(spec, () => {
    cpu = process.cpuUsage();
    machine = machineTicks();
    started = performance.now();
  });
  const used = process.cpuUsage(cpu);
  const serverCpu = (used.user + used.system) / 1000 / (performance.now() - started);
  const after = machineTicks();
  const machineCpu = machine && after ? (after.busy - machine.busy) / (after.total - machine.total) : undefined;
  return { result, serverCpu, ...(machineCpu === undefined ? {} : { machineCpu }) };
}
