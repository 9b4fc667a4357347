/**
 * `npm run bench`: Klaxon's webhook ingestion and, in the same run, the ceilings
 * it is compared with (a bare Fastify route; a route doing one pooled INSERT).
 * First, page latency (bench/page-latency.ts): webhook answered → page email at a real SMTP server.
 * Klaxon runs as users run it: request logging at the default level (to a file), the job runner on.
 * Absolute numbers drift between runs on a small machine: read the ratios. The targets of issue 9
 * are printed as met or missed; they never fail the run.
 * See docs/benchmarks.md. Exits 1 when any request failed or a check did not hold.
 *
 *   npm run bench -- [--quick] [--duration 10] [--connections 64] [--warmup 2] [--pool 10] [--only repeat-50,insert-ceiling] [--json out.json] [--no-runner]
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Runner } from 'graphile-worker';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { type BenchDatabase, openBenchDatabase } from './database.js';
import { drainJobs, startRunner } from './jobs.js';
import { measureLoad, runLoad, stopLoad } from './load.js';
import { sampleRss } from './memory.js';
import { type PageLatencyResult, runPageLatency } from './page-latency.js';
import { BIG_GROUPS, bigGroupBody, klaxonGroupKey, LIVE_GROUPS, liveGroupBody, REPEAT_GROUP_KEY, repeatBody } from './payloads.js';
import { ALERTS_RATIO, mb, type Row, ratioLines, ratios, type Target, table, targetLines } from './report.js';
import { type InsertCeiling, type KlaxonServer, type Listening, startBareFastify, startInsertCeiling, startKlaxon } from './servers.js';
import { type Check, snapshot, verifyClean } from './verify.js';
import { WORKLOAD_NAMES, workloads } from './workloads.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string' },
    connections: { type: 'string' },
    warmup: { type: 'string' },
    pool: { type: 'string' },
    json: { type: 'string' },
    only: { type: 'string' },
    quick: { type: 'boolean' },
    'no-runner': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help) {
  console.log(
    'npm run bench -- [--quick] [--duration S] [--connections N] [--warmup S] [--pool N] [--only a,b] [--json FILE] [--no-runner]\n' +
      `Workloads (for --only): ${WORKLOAD_NAMES.join(', ')}\n` +
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
// --quick: 1 s runs without warm-up and a short page-latency run: the correctness checks, no figures.
const quick = args.quick === true;
const duration = intOption('duration', quick ? 1 : 10, 1, 600);
const connections = intOption('connections', 64, 1, 1000);
const warmup = intOption('warmup', quick ? 0 : 2, 0, 60);
const poolMax = intOption('pool', loadConfig({}).DATABASE_POOL_MAX, 1, 200);
const pageCount = quick ? 40 : 200;

// --only: each word is a workload's name, or a part of names (`ceiling`); one that names nothing is an error.
const only = args.only
  ?.split(',')
  .map((x) => x.trim())
  .filter(Boolean);
for (const word of only ?? []) {
  if (!WORKLOAD_NAMES.some((name) => name.includes(word))) {
    console.error(`--only: no workload is called ${JSON.stringify(word)}; the workloads: ${WORKLOAD_NAMES.join(', ')}`);
    process.exit(2);
  }
}
const selected = (name: string) => !only || only.some((word) => name === word || name.includes(word));

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

// Request logging as the server does it (createLogger at the default LOG_LEVEL), written to a file
// instead of stdout (pino's own asynchronous file destination, as its stdout one is) so the report stays readable.
const logFile = join(os.tmpdir(), `klaxon-bench-${runTag}.log`);
const logDestination = pino.destination({ dest: logFile, sync: false });
const appLog = createLogger(loadConfig({}).LOG_LEVEL, logDestination);
/** Lines and bytes the app and its job runner logged. */
function logStats(): { lines: number; bytes: number } {
  try {
    const bytes = statSync(logFile).size;
    const text = readFileSync(logFile);
    let lines = 0;
    for (let at = text.indexOf(10); at >= 0; at = text.indexOf(10, at + 1)) lines++;
    return { lines, bytes };
  } catch {
    return { lines: 0, bytes: 0 };
  }
}

/** Sends each body once, so its group's incident exists before the load (the first delivery opens it). */
async function prime(klaxon: KlaxonServer, integration: { id: string; key: string }, bodies: string[], label: string): Promise<void> {
  for (const body of bodies) {
    const res = await fetch(`${klaxon.base}/v1/webhooks/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${integration.key}`, 'content-type': 'application/json' },
      body,
    });
    if (res.status !== 200) throw new Error(`priming ${label} failed: ${res.status} ${await res.text()}`);
  }
  const primed = await snapshot(klaxon.handle.pool, integration.id);
  if (primed.incidents !== bodies.length) throw new Error(`priming ${label} opened ${primed.incidents} incidents, not ${bodies.length}`);
}

/** Peak RSS per Klaxon workload (page latency included), and the RSS when it started. */
const rssPeaks = new Map<string, number>();
const rssStarts = new Map<string, number>();

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  log(`Klaxon benchmark — ${startedAt}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}), Node ${process.version}`);
  log(
    quick
      ? `quick mode: ${duration}s per workload, no warm-up, ${connections} connections, pg pool ${poolMax}, page latency ${pageCount} incidents — checks only, the figures mean little`
      : `each workload: ${warmup}s warm-up, then ${duration}s with ${connections} connections; pg pool ${poolMax}`,
  );
  const load = os.loadavg()[0]!;
  log(`load average ${load.toFixed(2)}${load > 0.5 ? ' — something else is using the CPU: expect lower, noisier figures' : ''}`);
  db = await openBenchDatabase(log);
  const opened = db;
  closers.push(async () => {
    await opened.close();
    log(`\ndropped database ${opened.name}`);
  });
  log(`database: ${db.description} (PostgreSQL ${db.serverVersion})`);
  log(
    `Klaxon: in this process, request logging at ${loadConfig({}).LOG_LEVEL} to ${logFile}, job runner ${args['no-runner'] ? 'OFF (--no-runner: not as users run it)' : 'on'}`,
  );

  const bare: Listening = await startBareFastify();
  closers.unshift(() => bare.close());
  const insert: InsertCeiling = await startInsertCeiling(db.url, poolMax);
  closers.unshift(() => insert.close());
  const klaxon: KlaxonServer = await startKlaxon(db.url, poolMax, appLog);
  closers.unshift(() => klaxon.close());
  const hot = await klaxon.createIntegration('bench hot group', 'alertmanager');
  const live = await klaxon.createIntegration('bench 50 live groups', 'alertmanager');
  const big = await klaxon.createIntegration('bench 100-alert groups', 'alertmanager');
  const distinct = await klaxon.createIntegration('bench new incidents', 'alertmanager');
  const pool = klaxon.handle.pool;

  // The repeated groups must exist before their load: each one's first delivery opens its incident.
  await prime(klaxon, hot, [repeatBody()], `the hot group ${klaxonGroupKey(REPEAT_GROUP_KEY)}`);
  await prime(
    klaxon,
    live,
    Array.from({ length: LIVE_GROUPS }, (_, i) => liveGroupBody(i)),
    `the ${LIVE_GROUPS} live groups`,
  );
  await prime(
    klaxon,
    big,
    Array.from({ length: BIG_GROUPS }, (_, i) => bigGroupBody(i)),
    `the ${BIG_GROUPS} 100-alert groups`,
  );

  // Page latency first, with its own job runner (email and chat pointing at its receivers); it first
  // runs the primed groups' escalations, and ends with its queue empty.
  let pageLatency: PageLatencyResult | undefined;
  if (selected('page-latency')) {
    const rss = sampleRss();
    try {
      pageLatency = await runPageLatency({ klaxon, runTag, count: pageCount, rate: 20, log, appLog, interrupted: () => interrupted });
    } finally {
      rssPeaks.set('page-latency', rss.stop());
      rssStarts.set('page-latency', rss.start);
    }
    for (const check of pageLatency.checks) checks.push({ workload: 'page-latency', check });
  }
  // Then the default runner, as `npm start` runs it (default config: email and chat unconfigured), for every load workload.
  // --no-runner: ingestion alone, to see what the escalations it starts cost beside it (not how users run Klaxon).
  const runner: Runner | undefined = args['no-runner'] ? undefined : await startRunner(klaxon, appLog);
  if (runner) closers.unshift(() => runner.stop());

  for (const w of workloads({ bare, insert, klaxon, hot, live, big, distinct, connections, runTag })) {
    if (!selected(w.name)) continue;
    if (interrupted) break;
    if (w.klaxon && runner) {
      // What earlier workloads (or the priming) left due for the runner runs first, so that each
      // workload starts from an empty queue; the runner stays on during the load.
      const left = await drainJobs(pool, 60_000);
      if (left > 0) log(`${w.name}: ${left} jobs still due after 60 s of waiting; running anyway`);
    }
    const rss = sampleRss();
    if (warmup > 0) {
      const result = await runLoad(w.spec('warmup', warmup));
      checks.push({ workload: `${w.name} (warm-up)`, check: verifyClean(result) });
      if (w.writes) await w.writes.settle();
    }
    if (interrupted) {
      rss.stop();
      break;
    }
    const verify = await w.writes?.prepare();
    const statementsBefore = w.writes?.statements() ?? 0;
    process.stdout.write(`${w.name}: ${duration}s … `);
    const { result, serverCpu, machineCpu } = await measureLoad(w.spec('measure', duration));
    log(`${Math.round(result.requestsPerSecond).toLocaleString('en-US')} req/s`);
    checks.push({ workload: w.name, check: verifyClean(result) });
    let sqlPerRequest: number | undefined;
    if (w.writes) await w.writes.settle(); // the requests in flight at the stop still finish
    const rssPeak = rss.stop();
    if (w.klaxon) {
      rssPeaks.set(w.name, rssPeak);
      rssStarts.set(w.name, rss.start);
    }
    if (w.writes && verify) {
      // Then count, then read back.
      const statements = w.writes.statements() - statementsBefore;
      const outcome = await verify(result);
      if (outcome.committed > 0) sqlPerRequest = statements / outcome.committed;
      for (const check of outcome.checks) checks.push({ workload: w.name, check });
    }
    rows.push({ name: w.name, what: w.what, result, serverCpu, machineCpu, sqlPerRequest, rssPeak, alertsPerRequest: w.alertsPerRequest });
  }

  log('');
  if (pageLatency) log(`${pageLatency.lines.join('\n')}\n`);
  const list = ratios(new Map(rows.map((r) => [r.name, r.result])));
  if (rows.length > 0) {
    log(table(rows));
    log('\nratios (req/s, same run):');
    log(ratioLines(list));
  }
  const overallRss = rssPeaks.size > 0 ? Math.max(...rssPeaks.values()) : undefined;
  if (overallRss !== undefined) {
    log(
      `\nKlaxon's RSS, peak while each workload ran (sampled every 200 ms), and in brackets when it started. It is the bench\n` +
        "process's: the ceilings' servers share it (small when idle, but memory their loads grew may not be returned yet);\n" +
        'the load generator is a child process and is not counted:',
    );
    log(
      `  ${[...rssPeaks].map(([name, bytes]) => `${name} ${mb(bytes)} MB (${mb(rssStarts.get(name) ?? 0)})`).join(', ')}; overall ${mb(overallRss)} MB`,
    );
  }

  const targets = issueTargets(list, pageLatency, overallRss);
  log(`\ntargets (issue 9; printed, not asserted${quick ? '; quick mode: runs too short to mean much' : ''}):`);
  log(targetLines(targets));
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
      quick,
      duration,
      warmup,
      connections,
      poolMax,
    };
    const rss = { peaks: Object.fromEntries(rssPeaks), starts: Object.fromEntries(rssStarts), overall: overallRss };
    writeFileSync(args.json, `${JSON.stringify({ meta, results: rows, pageLatency, ratios: list, rss, targets, checks }, null, 2)}\n`);
    log(`\nwrote ${args.json}`);
  }
}

/** Issue 9's targets against this run's figures (and issue 11's page latency, when it ran). */
function issueTargets(
  list: ReturnType<typeof ratios>,
  pageLatency: PageLatencyResult | undefined,
  overallRss: number | undefined,
): Target[] {
  const ratio = (name: string) => list.find((r) => r.name === name)?.value;
  const row = (name: string) => rows.find((r) => r.name === name);
  const atLeast = (name: string, label: string, min: number): Target => {
    const value = ratio(name);
    return {
      name: label,
      target: `≥ ${min}×`,
      ...(value === undefined ? {} : { measured: `${value.toFixed(value >= 1 ? 2 : 3)}×`, met: value >= min }),
    };
  };
  const p99 = row('repeat-50')?.result.latencyMs.p99;
  const failedRequests = rows.reduce((n, r) => n + r.result.non2xx + r.result.errors, 0);
  const allChecks = checks.every((c) => c.check.ok);
  const out: Target[] = [
    atLeast('repeat-50 / insert-ceiling', 'repeat-50 req/s / insert-ceiling', 0.5),
    { name: 'repeat-50 p99', target: '< 50 ms', ...(p99 === undefined ? {} : { measured: `${p99} ms`, met: p99 < 50 }) },
    atLeast('hot-group / insert-ceiling', 'hot-group req/s / insert-ceiling', 0.3),
    atLeast('new-incident / insert-ceiling', 'new-incident req/s / insert-ceiling', 0.3),
    atLeast(ALERTS_RATIO, 'alerts-100 alerts/s / insert-ceiling req/s', 3),
    {
      name: "Klaxon's RSS, peak over its workloads",
      target: '< 300 MB',
      ...(overallRss === undefined ? {} : { measured: `${(overallRss / 2 ** 20).toFixed(1)} MB`, met: overallRss < 300 * 2 ** 20 }),
    },
    {
      name: `no non-2xx, no connection error (${connections} connections)`,
      target: '0',
      ...(rows.length === 0 ? {} : { measured: String(failedRequests), met: failedRequests === 0 }),
    },
    {
      name: 'every correctness check holds',
      target: 'all',
      measured: `${checks.filter((c) => c.check.ok).length}/${checks.length}`,
      met: allChecks,
    },
  ];
  if (pageLatency) {
    out.push({
      name: 'page latency p99 (issue 11)',
      target: '< 500 ms',
      measured: `${Math.round(pageLatency.p99)} ms`,
      met: pageLatency.targetMet,
    });
  }
  return out;
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
await new Promise<void>((resolve) => {
  logDestination.once('close', () => resolve());
  logDestination.once('error', () => resolve());
  logDestination.end();
});
const anyFailed = failed || interrupted || checks.some((c) => !c.check.ok);
const logged = logStats();
if (anyFailed) log(`\nKlaxon's log (${logged.lines.toLocaleString('en-US')} lines) is kept: ${logFile}`);
else {
  log(`\nKlaxon logged ${logged.lines.toLocaleString('en-US')} lines (${mb(logged.bytes)} MB) to ${logFile}; deleted`);
  rmSync(logFile, { force: true });
}
if (!failed && !interrupted) log(anyFailed ? '\nFAILED: a request failed or a check did not hold' : '\nall requests 2xx, all checks hold');
process.exitCode = interrupted ? 130 : anyFailed ? 1 : 0;
// Everything is closed, so the process ends by itself; if a handle leaked, say so rather than hang.
setTimeout(() => {
  console.error('bench: still running 10 s after cleanup (a leaked handle); exiting');
  process.exit(process.exitCode ?? 1);
}, 10_000).unref();
