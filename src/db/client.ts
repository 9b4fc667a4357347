import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { preparingPool } from './prepared.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

// timestamptz → Date is pg's default; bigint (count(*)) stays a string unless parsed: parse it.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** Where pool-level connection losses are reported (a pino logger fits). */
export interface PoolLog {
  warn(obj: object, msg: string): void;
}

/**
 * Opens a pool and a Kysely instance on it. The pool is shared with the job runner.
 * A database that stops or restarts never crashes the process: idle connections that
 * die are logged and dropped, and the next query opens a new one.
 */
export function openDatabase(connectionString: string, max = 10, log?: PoolLog): DbHandle {
  const pool = new pg.Pool({ connectionString, max, application_name: 'klaxon' });
  // Without an 'error' listener, an idle client's lost connection is an uncaught exception.
  pool.on('error', (err) => log?.warn({ err }, 'idle database connection lost'));
  // A checked-out client's error surfaces as its query's rejection; the listener only keeps it from being uncaught.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  let closed = false;
  return {
    db,
    pool,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy(); // ends the pool too
    },
  };
}

// SQLSTATE classes 08 (connection exception) and 57P01-03 (admin/crash shutdown, cannot connect
// now: stopping or starting up), and 53300 (too many connections): the server, not the query.
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
const UNAVAILABLE_NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// What pg and pg-pool throw without a code when a connection ends or cannot be had in time.
const UNAVAILABLE_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * True when an error says the database cannot be reached right now (stopped, restarting,
 * unreachable, out of connections) rather than that a statement was wrong: the same
 * request is worth retrying later. Follows AggregateError.errors and `cause`.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 4) return false;
  const { code, message, errors, cause } = err as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NETWORK.has(code))) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  if (Array.isArray(errors) && errors.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

/** The URL with its password replaced, for banners and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}

/**
 * Runs `fn` in the caller's transaction when `db` is one, else in a new transaction:
 * domain writes compose into a larger transaction (a webhook delivery) or stand alone (a route).
 */
export function inTransaction<T>(db: Db, fn: (trx: import('kysely').Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as import('kysely').Transaction<Database>) : db.transaction().execute(fn);
}
