/**
 * The three servers the benchmark loads, all in this process on 127.0.0.1:0:
 * the real Klaxon app (with request logging, and with the job runner started
 * beside it as src/server.ts does: bench/jobs.ts), and two ceilings to compare
 * it with in the same run — a bare Fastify route, and a bare Fastify route
 * doing one INSERT through a pg Pool of Klaxon's size.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import pg from 'pg';
import type { Logger } from 'pino';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config.js';
import { type DbHandle, openDatabase } from '../src/db/client.js';
import { tuneHeap } from '../src/heap.js';

export interface Listening {
  base: string;
  close(): Promise<void>;
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** True when no query or transaction holds or waits for a client of the pool. */
export function poolIdle(pool: pg.Pool): boolean {
  return pool.waitingCount === 0 && pool.idleCount === pool.totalCount;
}

/**
 * Waits until the server has finished the requests that were in flight when the
 * load generator stopped (their transactions still commit): the pool must stay
 * idle for several checks in a row.
 */
export async function settle(pool: pg.Pool, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 5) {
    if (Date.now() > deadline) throw new Error('the server did not go idle after the load stopped');
    await new Promise((r) => setTimeout(r, 50));
    quiet = poolIdle(pool) ? quiet + 1 : 0;
  }
}

/**
 * Counts the statements sent on the pool's connections (the counter must be attached before the first);
 * with `counted`, only those sent while it answers true (Klaxon: inside an HTTP request, not the job runner's).
 */
export function countStatements(pool: pg.Pool, counted: () => boolean = () => true): () => number {
  let n = 0;
  pool.on('connect', (client) => {
    const target = client as unknown as { query: (...args: unknown[]) => unknown };
    const original = target.query.bind(client);
    target.query = (...args) => {
      if (counted()) n++;
      return original(...args);
    };
  });
  return () => n;
}

/** Ceiling (a): one route answering `{ok:true}`. */
export async function startBareFastify(): Promise<Listening> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ ok: true }));
  const base = await listen(app);
  return { base, close: () => app.close() };
}

export interface InsertCeiling extends Listening {
  pool: pg.Pool;
  statements: () => number;
  rows(): Promise<number>;
}

/** Ceiling (b): POST the webhook body, one INSERT of it into a scratch table, answer `{ok:true}`. */
export async function startInsertCeiling(url: string, poolMax: number): Promise<InsertCeiling> {
  const pool = new pg.Pool({ connectionString: url, max: poolMax, application_name: 'klaxon-bench-ceiling' });
  pool.on('error', () => undefined);
  const statements = countStatements(pool);
  await pool.query(
    'create table bench_scratch (id bigint generated always as identity primary key, received_at timestamptz not null default now(), body text not null)',
  );
  const app = Fastify({ logger: false });
  // The body is stored as received, as Klaxon stores each delivery's body.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.post('/insert', async (request) => {
    await pool.query('insert into bench_scratch (body) values ($1)', [request.body]);
    return { ok: true };
  });
  const base = await listen(app);
  return {
    base,
    pool,
    statements,
    async rows() {
      return Number((await pool.query('select count(*)::int as n from bench_scratch')).rows[0].n);
    },
    async close() {
      await app.close();
      await pool.end();
    },
  };
}

export interface KlaxonServer extends Listening {
  handle: DbHandle;
  /** SQL statements sent on the pool by HTTP requests (the job runner's, on the same pool, are not counted). */
  statements: () => number;
  /**
   * Waits until the requests in flight when the load stopped have finished (each answers after its
   * transaction commits). The pool cannot tell: the job runner holds a client of it for LISTEN.
   */
  settle(timeoutMs?: number): Promise<void>;
  adminKey: string;
  /** Creates an integration through the API, as an operator would. */
  createIntegration(name: string, kind: 'alertmanager'): Promise<{ id: string; key: string }>;
  /** The first few distinct errors the app handled, with counts (for a failing run's report). */
  errors(): string[];
}

/**
 * The real app, exactly as the server builds it (default config, `log` as createLogger builds it, so
 * every request is logged at `info`), on its own pool.
 */
export async function startKlaxon(url: string, poolMax: number, log: Logger): Promise<KlaxonServer> {
  const handle = openDatabase(url, poolMax);
  // Every HTTP request runs inside this context; the job runner's work (on the same pool) does not.
  const inRequest = new AsyncLocalStorage<true>();
  const statements = countStatements(handle.pool, () => inRequest.getStore() === true);
  let app: FastifyInstance | undefined;
  try {
    const config = loadConfig({});
    tuneHeap(config.KLAXON_HEAP_GROWTH_PERCENT); // as the server does (the whole bench process's heap)
    app = await buildApp({ config, db: handle.db, log });
    const listeners = app.server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    const httpServer = app.server;
    httpServer.removeAllListeners('request');
    httpServer.on('request', (req: IncomingMessage, res: ServerResponse) =>
      inRequest.run(true, () => {
        for (const listener of listeners) listener.call(httpServer, req, res);
      }),
    );
    // Requests between arrival and their answer's first byte (onSend runs even when the client has gone).
    // One whose client went away before Fastify read its body never reaches the handler (nor onSend):
    // it waits in body parsing for a stream that has ended; it is not counted once its socket is gone.
    const open = new Set<FastifyRequest>();
    const parsed = new WeakSet<FastifyRequest>();
    app.addHook('onRequest', async (request) => {
      open.add(request);
    });
    app.addHook('preValidation', async (request) => {
      parsed.add(request);
    });
    app.addHook('onSend', async (request, _reply, payload) => {
      open.delete(request);
      return payload;
    });
    app.addHook('onResponse', async (request) => {
      open.delete(request);
    });
    const running = () => [...open].filter((r) => parsed.has(r) || !(r.raw.aborted || r.raw.socket?.destroyed)).length;
    const seen = new Map<string, number>();
    app.addHook('onError', async (request, _reply, error) => {
      const text = `${request.method} ${request.url.replace(/\/v1\/webhooks\/(\w+)\/.+/, '/v1/webhooks/$1/<key>')}: ${error.message}`;
      if (seen.has(text) || seen.size < 5) seen.set(text, (seen.get(text) ?? 0) + 1);
    });
    const base = await listen(app);
    const admin = await createApiKey(handle.db, { name: 'bench admin', role: 'admin' });
    const server = app;
    return {
      base,
      handle,
      statements,
      async settle(timeoutMs = 15_000) {
        const deadline = Date.now() + timeoutMs;
        let quiet = 0;
        while (quiet < 5) {
          if (Date.now() > deadline) throw new Error(`Klaxon did not finish its requests after the load stopped (${running()} running)`);
          await new Promise((r) => setTimeout(r, 50));
          quiet = running() === 0 ? quiet + 1 : 0;
        }
        // The abandoned ones are forgotten (they hold nothing).
        for (const r of open) if (!parsed.has(r)) open.delete(r);
      },
      adminKey: admin.key,
      errors: () => [...seen].map(([text, n]) => `${n}× ${text}`),
      async createIntegration(name, kind) {
        const res = await fetch(`${base}/v1/integrations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name, kind }),
        });
        const body = (await res.json()) as { id: string; key: string };
        if (res.status !== 201) throw new Error(`integration not created: ${res.status} ${JSON.stringify(body)}`);
        return body;
      },
      async close() {
        await server.close();
        await handle.close();
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await handle.close().catch(() => undefined);
    throw err;
  }
}
