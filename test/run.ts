/**
 * `npm test`: runs tap against a real PostgreSQL — DATABASE_URL's server when set,
 * else one embedded instance for the whole run (kept in .klaxon-test between runs).
 * Each test file then clones its own database from a migrated template (helper.ts).
 * Prints each file's duration, slowest first, then "N passed, N failed" last, counting
 * assertions as tap does.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';

const config = loadConfig();
let url = config.DATABASE_URL;
const embedded = url
  ? undefined
  : await startEmbeddedPostgres({ dataDir: '.klaxon-test', port: config.KLAXON_EMBEDDED_PG_PORT + 10, database: 'postgres' });
url ??= embedded!.url;

// Concurrent runs share the embedded server: each registers itself, and the last one out stops it.
const users = path.join('.klaxon-test', 'users');
if (embedded) {
  mkdirSync(users, { recursive: true });
  writeFileSync(path.join(users, String(process.pid)), '');
}
function othersAlive(): boolean {
  return readdirSync(users).some((name) => {
    if (name === String(process.pid)) return false;
    try {
      process.kill(Number(name), 0);
      return true;
    } catch {
      rmSync(path.join(users, name), { force: true });
      return false;
    }
  });
}

const tap = spawn('npx', ['tap', '--reporter=tap', ...process.argv.slice(2)], {
  env: { ...process.env, DATABASE_URL: url },
  stdio: ['inherit', 'pipe', 'inherit'],
});
let total = 0;
let pass = 0;
let fail = 0;
let skip = 0;
let tail = '';
// Top-level result lines, one per file: "ok 3 - test/x.test.ts # time=812.5ms" (or "# SKIP …").
const files: { file: string; ms: number; ok: boolean }[] = [];
let partial = '';
tap.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop()!;
  for (const line of lines) {
    const m = line.match(/^(not )?ok \d+ - (\S+\.test\.ts)\b.*?(?:# time=([\d.]+)ms)?$/);
    if (m) files.push({ file: m[2]!, ms: Number(m[3] ?? 0), ok: !m[1] });
  }
});
const code: number = await new Promise((resolve) => tap.on('close', (c) => resolve(c ?? 1)));
// tap's own closing summary: "# { total: 12, pass: 11, fail: 1, skip: 0 }"
const summary = tail.match(/# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?(?:, skip: (\d+))?/g)?.pop();
if (summary) {
  const n = (k: string) => Number(summary.match(new RegExp(`${k}: (\\d+)`))?.[1] ?? 0);
  [total, pass, fail, skip] = [n('total'), n('pass'), n('fail'), n('skip')];
}
if (embedded) {
  rmSync(path.join(users, String(process.pid)), { force: true });
  if (!othersAlive()) await embedded.stop();
}
if (files.length) {
  console.log('\n# per-file durations, slowest first');
  for (const f of [...files].sort((a, b) => b.ms - a.ms)) {
    console.log(`# ${(f.ms / 1000).toFixed(2).padStart(7)} s  ${f.file}${f.ok ? '' : '  (failed)'}`);
  }
}
if (!summary) fail = Math.max(fail, 1); // no summary means tap itself failed
if (code !== 0 && fail === 0) fail = 1;
console.log(`${pass} passed, ${fail} failed${skip ? `, ${skip} skipped` : ''}${total ? '' : ' (no tests ran)'}`);
process.exit(code);
