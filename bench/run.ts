/**
 * `npm run bench`: Klaxon's webhook ingestion and, in the same run, the ceilings
 * it is compared with (a bare Fastify route; a route doing one pooled INSERT).
 * First, page latency (bench/page-latency.ts): webhook answered → page email at a real SMTP server.
 * Absolute numbers drift between runs on a small machine: read the ratios.
 * See docs/benchmarks.md. Exits 1 when any request failed or a check did not hold.
 *
 *   npm run bench -- [--duration 10] [--connections 50] [--warmup 2] [--pool 10] [--only repeat,insert|page-latency] [--json out.json]
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { type BenchDatabase, openBenchDatabase } from './database.js';
import { measureLoad, runLoad, stopLoad } from './load.js';
import { type PageLatencyResult, runPageLatency } from './page-latency.js';
import { klaxonGroupKey, REPEAT_GROUP_KEY, repeatBody } from './payloads.js';
import { type Row, ratioLines, ratios, table } from './report.js';
import {
  type InsertCeiling,
  type KlaxonServer,
  type Listening,
  settle,
  startBareFastify,
  startInsertCeiling,
  startKlaxon,
} from './servers.js';
import { type Check, snapshot, verifyClean } from './verify.js';
import { workloads } from './workloads.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string' },
    connections: { type: 'string' },
    warmup: { type: 'string' },
    pool: { type: 'string' },
    json: { type: 'string' },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help) {
  console.log(
    'npm run bench -- [--duration S] [--connections N] [--warmup S] [--pool N] [--only a,b] [--json FILE]\n' +
      'Env: BENCH_DURATION, BENCH_CONNECTIONS, BENCH_WARMUP, BENCH_POOL, DATABASE_URL. See docs/benchmarks.md.',
  );
  process.exit(0);
}
/** A flag's value, else its BENCH_* variable's, else the default; an integer within bounds. */
function intOption(name: 'duration' | 'connections' | 'warmup' | 'pool', fallback: number, min: number, max: number): number {
  const env = `BENCH_${name.toUpperCase()}`;
  const raw = args[name] ?? process.env[env];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} / ${env} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
    process.exit(2);
  }
  return n;
}
const duration = intOption('duration', 10, 1, 600);
const connections = intOption('connections', 50, 1, 1000);
const warmup = intOption('warmup', 2, 0, 60);
const poolMax = intOption('pool', loadConfig({}).DATABASE_POOL_MAX, 1, 200);

const log = (msg: string) => console.log(msg);
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130); // a second signal: stop now, cleanup or not
    interrupted = true;
    log(`\n${signal}: stopping the load and cleaning up (send it again to quit at once)`);
    stopLoad();
  });
}

const runTag = randomBytes(3).toString('hex');
const rows: Row[] = [];
const checks: { workload: string; check: Check }[] = [];
const closers: (() => Promise<void>)[] = [];
let db: BenchDatabase | undefined;

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  log(`Klaxon benchmark — ${startedAt}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}), Node ${process.version}`);
  log(`each workload: ${warmup}s warm-up, then ${duration}s with ${connections} connections; pg pool ${poolMax}`);
  const load = os.loadavg()[0]!;
  log(`load average ${load.toFixed(2)}${load > 0.5 ? ' — something else is using the CPU: expect lower, noisier figures' : ''}`);
  db = await openBenchDatabase(log);
  const opened = db;
  closers.push(async () => {
    await opened.close();
    log(`\ndropped database ${opened.name}`);
  });
  log(`database: ${db.description} (PostgreSQL ${db.serverVersion})`);

  const bare: Listening = await startBareFastify();
  closers.unshift(() => bare.close());
  const insert: InsertCeiling = await startInsertCeiling(db.url, poolMax);
  closers.unshift(() => insert.close());
  const klaxon: KlaxonServer = await startKlaxon(db.url, poolMax);
  closers.unshift(() => klaxon.close());
  const repeat = await klaxon.createIntegration('bench repeat', 'alertmanager');
  const distinct = await klaxon.createIntegration('bench distinct', 'alertmanager');
  const pool = klaxon.handle.pool;

  // The repeat group must exist before its load: the first delivery opens its incident.
  const first = await fetch(`${klaxon.base}/v1/webhooks/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${repeat.key}`, 'content-type': 'application/json' },
    body: repeatBody(),
  });
  if (first.status !== 200) throw new Error(`priming the repeat group failed: ${first.status} ${await first.text()}`);
  const primed = await snapshot(pool, repeat.id);
  if (primed.incidents !== 1) throw new Error(`priming opened ${primed.incidents} incidents for ${klaxonGroupKey(REPEAT_GROUP_KEY)}`);

  // --only: the workloads whose names contain one of the words (ratios need both of their runs).
  const only = args.only
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  // Page latency first, while the job queue holds nothing of the load workloads (their runner is off).
  let pageLatency: PageLatencyResult | undefined;
  if (!only || only.some((word) => 'page-latency'.includes(word))) {
    pageLatency = await runPageLatency({ klaxon, runTag, count: 200, rate: 20, log, interrupted: () => interrupted });
    for (const check of pageLatency.checks) checks.push({ workload: 'page-latency', check });
  }
  for (const w of workloads({ bare, insert, klaxon, repeat, distinct, connections, runTag })) {
    if (only && !only.some((word) => w.name.includes(word))) continue;
    if (interrupted) break;
    if (warmup > 0) {
      const result = await runLoad(w.spec('warmup', warmup));
      checks.push({ workload: `${w.name} (warm-up)`, check: verifyClean(result) });
      if (w.writes) await settle(w.writes.pool);
    }
    if (interrupted) break;
    const verify = await w.writes?.prepare();
    const statementsBefore = w.writes?.statements() ?? 0;
    process.stdout.write(`${w.name}: ${duration}s … `);
    const { result, serverCpu, machineCpu } = await measureLoad(w.spec('measure', duration));
    log(`${Math.round(result.requestsPerSecond).toLocaleString('en-US')} req/s`);
    checks.push({ workload: w.name, check: verifyClean(result) });
    let sqlPerRequest: number | undefined;
    if (w.writes && verify) {
      // The requests in flight at the stop still finish; then count, then read back.
      await settle(w.writes.pool);
      const statements = w.writes.statements() - statementsBefore;
      const outcome = await verify(result);
      if (outcome.committed > 0) sqlPerRequest = statements / outcome.committed;
      for (const check of outcome.checks) checks.push({ workload: w.name, check });
    }
    rows.push({ name: w.name, what: w.what, result, serverCpu, machineCpu, sqlPerRequest });
  }

  log('');
  if (pageLatency) log(`${pageLatency.lines.join('\n')}\n`);
  const list = ratios(new Map(rows.map((r) => [r.name, r.result])));
  if (rows.length > 0) {
    log(table(rows));
    log('\nratios (req/s, same run):');
    log(ratioLines(list));
  }
  log(`\nload average now ${os.loadavg()[0]!.toFixed(2)} (this run's own load included)`);
  log('\nchecks:');
  for (const { workload, check } of checks) log(`  ${check.ok ? 'ok  ' : 'FAIL'}  ${workload}: ${check.text}`);
  const errors = klaxon.errors();
  if (errors.length > 0) log(`\nerrors Klaxon handled:\n  ${errors.join('\n  ')}`);

  if (args.json) {
    const meta = {
      date: startedAt,
      loadAverageAtStart: load,
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model.trim(),
      node: process.version,
      postgres: db.serverVersion,
      duration,
      warmup,
      connections,
      poolMax,
    };
    writeFileSync(args.json, `${JSON.stringify({ meta, results: rows, pageLatency, ratios: list, checks }, null, 2)}\n`);
    log(`\nwrote ${args.json}`);
  }
}

let failed = false;
try {
  await main();
} catch (err) {
  failed = true;
  console.error(`\nbenchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  for (const close of closers) await close().catch((err) => console.error(`cleanup: ${String(err)}`));
}
const anyFailed = failed || interrupted || checks.some((c) => !c.check.ok);
if (!failed && !interrupted) log(anyFailed ? '\nFAILED: a request failed or a check did not hold' : '\nall requests 2xx, all checks hold');
process.exitCode = interrupted ? 130 : anyFailed ? 1 : 0;
// Everything is closed, so the process ends by itself; if a handle leaked, say so rather than hang.
setTimeout(() => {
  console.error('bench: still running 10 s after cleanup (a leaked handle); exiting');
  process.exit(process.exitCode ?? 1);
}, 10_000).unref();
