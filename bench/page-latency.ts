/**
 * Page latency: from an Alertmanager webhook answered 2xx to the page email received by a
 * real SMTP server (smtp-server, in this process). Each of `count` distinct alert groups
 * (severity `page` → SEV1) opens its own incident; the shipped "Default SEV1" policy pages
 * the "On-call engineer" schedule, on which one user with an email is put. The job runner
 * runs as `npm start` runs it (startJobRunner on the app's pool, KLAXON_WORKER_CONCURRENCY),
 * with SMTP_URL pointing at the receiver. Deliveries go at a fixed, modest rate: this
 * measures latency, not throughput. See docs/benchmarks.md.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { simpleParser } from 'mailparser';
import type { Logger } from 'pino';
import { SMTPServer } from 'smtp-server';
import { drainJobs, startRunner } from './jobs.js';
import { amAlert, amBody } from './payloads.js';
import type { KlaxonServer } from './servers.js';
import type { Check } from './verify.js';

export interface PageLatencyOptions {
  klaxon: KlaxonServer;
  runTag: string;
  /** Incidents measured (each a distinct alert group). */
  count: number;
  /** Deliveries per second. */
  rate: number;
  log: (msg: string) => void;
  /** The process logger the app was built with; the job runner logs through it too, as src/server.ts does. */
  appLog: Logger;
  /** Stop early (SIGINT). */
  interrupted: () => boolean;
}

export interface PageLatencyResult {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  targetMet: boolean;
  lines: string[];
  checks: Check[];
}

const TARGET_P99_MS = 500;
/** How long to wait for the last pages, then how long to keep listening for doubles. */
const DRAIN_TIMEOUT_MS = 30_000;
const DOUBLE_GRACE_MS = 2_000;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runPageLatency(o: PageLatencyOptions): Promise<PageLatencyResult> {
  const { klaxon, log } = o;
  const closers: (() => Promise<void>)[] = [];
  try {
    // The SMTP receiver: the arrival time is taken when the message's data starts; the parse only reads the header.
    const arrivals = new Map<string, number[]>();
    let foreign = 0;
    const smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      logger: false,
      onData(stream, _session, cb) {
        const at = performance.now();
        simpleParser(stream)
          .then((mail) => {
            const incident = mail.headers.get('x-klaxon-incident');
            if (typeof incident === 'string') arrivals.set(incident, [...(arrivals.get(incident) ?? []), at]);
            else foreign++;
            cb();
          })
          .catch(cb);
      },
    });
    await new Promise<void>((resolve, reject) => {
      smtp.once('error', reject);
      smtp.listen(0, '127.0.0.1', () => resolve());
    });
    closers.unshift(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
    const smtpPort = (smtp.server.address() as AddressInfo).port;

    // The SEV1 policy also posts to #incidents: a chat sink answering 200, as a configured chat would.
    const chat = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    });
    await new Promise<void>((resolve) => chat.listen(0, '127.0.0.1', () => resolve()));
    closers.unshift(() => new Promise<void>((resolve) => chat.close(() => resolve())));
    const chatUrl = `http://127.0.0.1:${(chat.address() as AddressInfo).port}/incidents`;

    // Its own job runner, exactly as src/server.ts starts it (bench/jobs.ts), on the app's pool, with email
    // and chat pointing at the receivers; the throttle is raised (an operator setting) so that one person
    // can receive every page of the run. Stopped at the end: the load workloads run the default one.
    const runner = await startRunner(klaxon, o.appLog, {
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      KLAXON_CHAT_WEBHOOKS: JSON.stringify({ '#incidents': chatUrl, '#incidents-low': chatUrl }),
      KLAXON_THROTTLE_LIMIT: '10000',
    });
    if (!runner) throw new Error('page latency needs the job runner (KLAXON_WORKER_CONCURRENCY is 0)');
    closers.unshift(() => runner.stop());
    // Jobs queued before the runner started (the bench's primed groups' escalations) run now, while nobody is on call.
    const left = await drainJobs(klaxon.handle.pool, 30_000);
    if (left > 0) log(`page-latency: ${left} earlier jobs still due after 30 s; measuring anyway`);

    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${klaxon.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${klaxon.adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const user = await api('POST', '/v1/users', { name: 'Bench on-call', email: 'oncall@bench.klaxon.test' });
    const schedules = (await api('GET', '/v1/schedules')).items as { id: string; name: string }[];
    const onCall = schedules.find((s) => s.name === 'On-call engineer');
    if (!onCall) throw new Error('the shipped "On-call engineer" schedule is missing');
    await api('PATCH', `/v1/schedules/${onCall.id}`, {
      layers: [{ name: 'bench', users: [user.id], rotation: { unit: 'weeks', length: 1 }, handoffTime: '09:00', startDate: '2020-01-06' }],
    });
    const integration = await klaxon.createIntegration('bench page latency', 'alertmanager');

    const accepted = new Map<string, number>();
    const failures: string[] = [];
    const send = async (i: number) => {
      const group = `{}:{alertname="PageLatency",bench="${o.runTag}-${i}"}`;
      const body = amBody(group, { alertname: 'PageLatency', bench: `${o.runTag}-${i}` }, [
        amAlert('PageLatency', { severity: 'page', bench: `${o.runTag}-${i}` }),
      ]);
      try {
        const res = await fetch(`${klaxon.base}/v1/webhooks/alertmanager`, {
          method: 'POST',
          headers: { authorization: `Bearer ${integration.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const at = performance.now();
        const text = await res.text();
        if (res.status < 200 || res.status > 299) {
          failures.push(`${res.status} ${text.slice(0, 200)}`);
          return;
        }
        const incidentId = (JSON.parse(text) as { alerts: { incidentId: string }[] }).alerts[0]?.incidentId;
        if (!incidentId) failures.push(`no incident in ${text.slice(0, 200)}`);
        else if (accepted.has(incidentId)) failures.push(`incident ${incidentId} answered twice`);
        else accepted.set(incidentId, at);
      } catch (err) {
        failures.push(String(err));
      }
    };

    // Open loop at a fixed rate: delivery i leaves at start + i / rate, whether or not earlier ones answered.
    process.stdout.write(`page-latency: ${o.count} SEV1 incidents at ${o.rate}/s … `);
    const start = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < o.count && !o.interrupted(); i++) {
      const wait = start + (i * 1000) / o.rate - performance.now();
      if (wait > 0) await sleep(wait);
      inFlight.push(send(i));
    }
    await Promise.all(inFlight);
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (!o.interrupted() && performance.now() < deadline && [...accepted.keys()].some((id) => !arrivals.has(id))) await sleep(50);
    await sleep(DOUBLE_GRACE_MS);

    const latencies: number[] = [];
    let missing = 0;
    let doubled = 0;
    for (const [id, at] of accepted) {
      const got = arrivals.get(id) ?? [];
      if (got.length === 0) missing++;
      if (got.length > 1) doubled++;
      if (got.length > 0) latencies.push(got[0]! - at);
    }
    const unknown = [...arrivals.keys()].filter((id) => !accepted.has(id)).length;
    latencies.sort((a, b) => a - b);
    const ms = (x: number) => `${Math.round(x)} ms`;
    const result = {
      count: latencies.length,
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
    };
    const targetMet = result.p99 < TARGET_P99_MS;
    log(`p99 ${ms(result.p99)}`);
    const lines = [
      `page latency (webhook 2xx → page email at the SMTP server), ${result.count} SEV1 incidents at ${o.rate}/s:`,
      `  p50 ${ms(result.p50)}   p90 ${ms(result.p90)}   p99 ${ms(result.p99)}   max ${ms(result.max)}   min ${ms(latencies[0] ?? Number.NaN)}`,
      `  target p99 < ${TARGET_P99_MS} ms: ${targetMet ? 'met' : 'MISSED'}`,
      '  where it goes (database timestamps):',
    ];
    // Where the time goes, from the database's own timestamps (each a transaction's start): the incident
    // opened → the escalation step's transaction queued the page → the send job claimed it → recorded sent.
    const { rows: stages } = await sql<{ stage: string; p50: number; p99: number }>`
      with t as (
        select extract(epoch from n.created_at - i.opened_at) * 1000 as step,
               extract(epoch from n.claimed_at - n.created_at) * 1000 as claim,
               extract(epoch from n.sent_at - n.claimed_at) * 1000 as send
        from notifications n join incidents i on i.id = n.incident_id
        where n.incident_id = any(${[...accepted.keys()]}::uuid[]) and n.channel = 'email' and n.purpose = 'page')
      select s.stage, percentile_disc(0.5) within group (order by s.ms) as p50, percentile_disc(0.99) within group (order by s.ms) as p99
      from t, lateral (values (1, 'opened → step queued the page', step), (2, 'queued → send claimed', claim), (3, 'claimed → sent (SMTP)', send)) s(i, stage, ms)
      group by s.i, s.stage order by s.i`.execute(klaxon.handle.db);
    for (const st of stages) lines.push(`  ${st.stage}: p50 ${ms(Number(st.p50))}, p99 ${ms(Number(st.p99))}`);
    const checks: Check[] = [
      {
        ok: failures.length === 0 && accepted.size === o.count,
        text: `${accepted.size}/${o.count} webhooks answered 2xx, each with its own incident${failures.length ? ` (${failures.length} failed: ${failures[0]})` : ''}`,
      },
      {
        ok: missing === 0 && doubled === 0,
        text: `every incident got exactly one page email (${missing} missing, ${doubled} doubled)`,
      },
      {
        ok: unknown === 0 && foreign === 0,
        text: `no email for any other incident (${unknown} for unknown incidents, ${foreign} without X-Klaxon-Incident)`,
      },
    ];
    // Its remaining jobs (chat posts) run here, with chat configured, not in the default runner after it.
    await drainJobs(klaxon.handle.pool, 10_000);
    return { ...result, targetMet, lines, checks };
  } finally {
    for (const close of closers) await close().catch((err) => log(`page-latency cleanup: ${String(err)}`));
  }
}
