import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { queryUrl as query } from '../helper.js';

// The embedded server is what `npm start` uses without DATABASE_URL; these tests start real ones.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'klaxon-embedded-'));
const port = 54390 + (process.pid % 9);
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

t.test('initialises, keeps data across restarts, and stops cleanly', async (t) => {
  const first = await startEmbeddedPostgres({ dataDir, port });
  t.ok(first.owned);
  await query(first.url, 'create table kept (v text); insert into kept values ($$hello$$)');
  await first.stop();
  t.notOk(existsSync(path.join(first.dataDir, 'postmaster.pid')), 'clean shutdown removes postmaster.pid');
  const second = await startEmbeddedPostgres({ dataDir, port });
  t.teardown(() => second.stop());
  t.same(await query(second.url, 'select v from kept'), [{ v: 'hello' }]);
  t.equal(readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim().length > 10, true, 'a generated password');
  await second.stop();
});

t.test('copes with a stale postmaster.pid from a killed server', async (t) => {
  const db = await startEmbeddedPostgres({ dataDir, port });
  const pidFile = path.join(db.dataDir, 'postmaster.pid');
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGKILL');
  await waitFor(() => !alive(pid));
  // SIGKILL leaves the lock file behind; also point it at a pid that is alive but not postgres.
  t.ok(existsSync(pidFile), 'the killed server left its pid file');
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  lines[0] = String(process.pid);
  writeFileSync(pidFile, lines.join('\n'));
  await waitForNoBackends(db.dataDir);
  const again = await startEmbeddedPostgres({ dataDir, port });
  t.teardown(() => again.stop());
  t.same(await query(again.url, 'select v from kept'), [{ v: 'hello' }]);
  await again.stop();
});

t.test('stops an orphaned server left by a SIGKILLed predecessor, then starts its own', async (t) => {
  // A child process starts the server and is SIGKILLed: postgres outlives it, orphaned.
  const script = `import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve('src/db/embedded.ts'))};
    await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port} });
    console.log('up'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('up') && resolve()));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  const orphan = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  t.ok(alive(orphan), 'postgres survived its parent');

  const db = await startEmbeddedPostgres({ dataDir, port });
  t.teardown(() => db.stop());
  t.ok(db.owned, 'the new process owns the server it started');
  const fresh = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  t.not(fresh, orphan, 'a new postmaster runs');
  t.notOk(alive(orphan), 'the orphan was stopped');
  t.same(await query(db.url, 'select v from kept'), [{ v: 'hello' }]);

  const sharer = await startEmbeddedPostgres({ dataDir, port });
  t.notOk(sharer.owned, 'a second live process shares the server instead of stopping it');
  await sharer.stop();
  t.same(await query(db.url, 'select 1 as one'), [{ one: 1 }], 'the sharer leaves it running');
  await db.stop();
});

/** Alive and not a zombie (an orphan reaped late still answers kill 0). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** After a SIGKILLed postmaster, its backends exit on their own shortly. */
async function waitForNoBackends(dir: string) {
  await waitFor(() => {
    for (const p of readdirPids()) {
      try {
        if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir)) return false;
      } catch {
        /* gone */
      }
    }
    return true;
  });
}

function readdirPids(): string[] {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n));
}

// The other tests run as whoever runs the suite (root on CI: postgres then runs as `postgres`).
// As root, also prove an unprivileged user can start, use and stop its own embedded server.
t.test(
  'runs as a normal user too',
  {
    skip: process.getuid?.() === 0 ? false : 'the suite itself runs as a normal user (this checks root → nobody)',
  },
  async (t) => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'klaxon-user-'));
    t.teardown(() => rmSync(home, { recursive: true, force: true }));
    const { execFileSync } = await import('node:child_process');
    execFileSync('chown', ['nobody', home]);
    const script = `import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve('src/db/embedded.ts'))};
    import pg from 'pg';
    const db = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(path.join(home, 'data'))}, port: ${port + 20} });
    const c = new pg.Client(db.url); await c.connect();
    const { rows } = await c.query('select current_user as u'); await c.end(); await db.stop();
    console.log(JSON.stringify({ user: rows[0].u, owner: process.getuid() }));`;
    // `env -u NODE_OPTIONS`: tap's process hooks (re-added to any child's env) would write into .tap/ as nobody.
    const node = ['env', '-u', 'NODE_OPTIONS', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script];
    const out = execFileSync('runuser', ['-u', 'nobody', '--', ...node], {
      env: { ...process.env, HOME: home },
      cwd: process.cwd(),
    }).toString();
    const result = JSON.parse(out.trim().split('\n').pop()!);
    t.equal(result.user, 'klaxon');
    t.not(result.owner, 0, 'it ran unprivileged');
    t.notOk(existsSync(path.join(home, 'data', 'pg', 'postmaster.pid')), 'and stopped cleanly');
  },
);
