/** The benchmark's printed table and ratios. */
import type { LoadResult } from './load.js';

export interface Row {
  name: string;
  what: string;
  result: LoadResult;
  /** CPU the server process used during the run, in cores (1.0 = one core busy throughout). */
  serverCpu: number;
  /** Share of all cores busy during the run (servers, generator, PostgreSQL, anything else); Linux only. */
  machineCpu?: number | undefined;
  /** SQL statements the server sent per committed request (writing workloads). */
  sqlPerRequest?: number | undefined;
  /** Peak RSS of the bench process (Klaxon and the ceilings' servers; not the load generator) during the load, bytes. */
  rssPeak?: number | undefined;
  /** Alerts per request, when not 1. */
  alertsPerRequest?: number | undefined;
}

export interface Ratio {
  name: string;
  value: number;
  meaning: string;
}

export const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const num = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

export function table(rows: Row[]): string {
  const head = ['workload', 'req/s', 'p50 ms', 'p99 ms', '2xx', 'non-2xx', 'errors', 'SQL/req', 'server CPU', 'machine CPU', 'RSS MB'];
  const body = rows.map(({ name, result: r, serverCpu, machineCpu, sqlPerRequest, rssPeak }) => [
    name,
    num(r.requestsPerSecond),
    num(r.latencyMs.p50),
    num(r.latencyMs.p99),
    num(r.ok),
    num(r.non2xx),
    num(r.errors),
    sqlPerRequest === undefined ? '-' : num(sqlPerRequest, 1),
    `${Math.round(serverCpu * 100)}%`,
    machineCpu === undefined ? 'n/a' : `${Math.round(machineCpu * 100)}%`,
    rssPeak === undefined ? '-' : mb(rssPeak),
  ]);
  const legend = rows.map((r) => `  ${r.name.padEnd(Math.max(...rows.map((x) => x.name.length)))}  ${r.what}`);
  return `${pad([head, ...body])}\n\n${legend.join('\n')}`;
}

export const ALERTS_RATIO = 'alerts-100 alerts/s / insert-ceiling req/s';

export function ratios(byName: Map<string, LoadResult>): Ratio[] {
  const rps = (name: string) => byName.get(name)?.requestsPerSecond;
  const out: Ratio[] = [];
  const add = (top: string, bottom: string, meaning: string, name = `${top} / ${bottom}`, factor = 1) => {
    const a = rps(top);
    const b = rps(bottom);
    if (a !== undefined && b !== undefined && b > 0) out.push({ name, value: (a * factor) / b, meaning });
  };
  add('repeat-50', 'insert-ceiling', 'repeats of 50 live groups vs one INSERT per request');
  add('hot-group', 'insert-ceiling', "one hot group's repeats (serialized by its lock) vs one INSERT per request");
  add('new-incident', 'insert-ceiling', 'incident creation vs one INSERT per request');
  add('alerts-100', 'insert-ceiling', 'alerts/s in 100-alert groups (req/s × 100) vs INSERT requests/s', ALERTS_RATIO, 100);
  add('insert-ceiling', 'bare-fastify', 'what one pooled INSERT costs a route');
  add('klaxon-live', 'bare-fastify', "Klaxon's HTTP stack (hooks, request ids, schemas, request logging) without the database");
  return out;
}

export interface Target {
  name: string;
  target: string;
  /** Undefined: not measured in this run (--only). */
  measured?: string;
  met?: boolean;
}

/** The targets table: printed, never failing the run (speed is measured, not asserted). */
export function targetLines(list: Target[]): string {
  const cells = [
    ['target', 'wanted', 'measured', ''],
    ...list.map((t) => [t.name, t.target, t.measured ?? '-', t.measured === undefined ? 'not measured' : t.met ? 'met' : 'MISSED']),
  ];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map((r) => `  ${r.map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd())
    .join('\n');
}

export function ratioLines(list: Ratio[]): string {
  if (list.length === 0) return '  (none: each ratio needs both of its workloads in this run)';
  const width = Math.max(...list.map((r) => r.name.length));
  return list
    .map((r) => `  ${r.name.padEnd(width)}  ${r.value >= 1 ? r.value.toFixed(2) : r.value.toPrecision(2)}  (${r.meaning})`)
    .join('\n');
}
