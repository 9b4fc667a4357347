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
}

export interface Ratio {
  name: string;
  value: number;
  meaning: string;
}

const num = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

export function table(rows: Row[]): string {
  const head = ['workload', 'req/s', 'p50 ms', 'p99 ms', '2xx', 'non-2xx', 'errors', 'SQL/req', 'server CPU', 'machine CPU'];
  const body = rows.map(({ name, result: r, serverCpu, machineCpu, sqlPerRequest }) => [
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
  ]);
  const legend = rows.map((r) => `  ${r.name.padEnd(Math.max(...rows.map((x) => x.name.length)))}  ${r.what}`);
  return `${pad([head, ...body])}\n\n${legend.join('\n')}`;
}

export function ratios(byName: Map<string, LoadResult>): Ratio[] {
  const rps = (name: string) => byName.get(name)?.requestsPerSecond;
  const out: Ratio[] = [];
  const add = (top: string, bottom: string, meaning: string) => {
    const a = rps(top);
    const b = rps(bottom);
    if (a !== undefined && b !== undefined && b > 0) out.push({ name: `${top} / ${bottom}`, value: a / b, meaning });
  };
  add('klaxon repeat', 'insert ceiling', 'dedup hot path vs one INSERT per request');
  add('klaxon distinct', 'insert ceiling', 'incident creation vs one INSERT per request');
  add('insert ceiling', 'bare fastify', 'what one pooled INSERT costs a route');
  add('klaxon live', 'bare fastify', "Klaxon's HTTP stack (hooks, request ids, schemas) without the database");
  return out;
}

export function ratioLines(list: Ratio[]): string {
  if (list.length === 0) return '  (none: each ratio needs both of its workloads in this run)';
  const width = Math.max(...list.map((r) => r.name.length));
  return list
    .map((r) => `  ${r.name.padEnd(width)}  ${r.value >= 1 ? r.value.toFixed(2) : r.value.toPrecision(2)}  (${r.meaning})`)
    .join('\n');
}
