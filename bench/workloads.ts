/**
 * What the benchmark runs, in order: the two ceilings, Klaxon's own liveness
 * route, then the two ingestion workloads. Each writing workload knows how to
 * check itself afterwards and how many writes it committed.
 */
import type pg from 'pg';
import type { LoadResult, LoadSpec } from './load.js';
import { repeatBody, SAMPLE_BODY } from './payloads.js';
import type { InsertCeiling, KlaxonServer, Listening } from './servers.js';
import { type Check, snapshot, verifyDistinct, verifyInsert, verifyRepeat } from './verify.js';

export interface Outcome {
  /** Requests the server committed (a row each), in-flight ones at the stop included. */
  committed: number;
  checks: Check[];
}

export interface Workload {
  name: string;
  what: string;
  spec: (phase: 'warmup' | 'measure', durationSeconds: number) => LoadSpec;
  writes?: {
    /** The pool whose transactions must finish before the database is read. */
    pool: pg.Pool;
    /** SQL statements the server has sent so far on that pool. */
    statements: () => number;
    /** Reads the state before the measured load; the answer checks the state after it. */
    prepare: () => Promise<(result: LoadResult) => Promise<Outcome>>;
  };
}

export interface Targets {
  bare: Listening;
  insert: InsertCeiling;
  klaxon: KlaxonServer;
  repeat: { id: string; key: string };
  distinct: { id: string; key: string };
  connections: number;
  /** Makes the distinct workload's groups unique to this run and phase. */
  runTag: string;
}

export function workloads(t: Targets): Workload[] {
  const { bare, insert, klaxon, connections } = t;
  const pool = klaxon.handle.pool;
  const json = { 'content-type': 'application/json' };
  const webhook = (key: string) => ({
    url: `${klaxon.base}/v1/webhooks/alertmanager`,
    method: 'POST' as const,
    headers: { ...json, authorization: `Bearer ${key}` },
  });
  return [
    {
      name: 'bare fastify',
      what: 'ceiling: GET / on a bare Fastify answering {ok:true}',
      spec: (_, durationSeconds) => ({ url: `${bare.base}/`, method: 'GET', durationSeconds, connections }),
    },
    {
      name: 'insert ceiling',
      what: 'ceiling: POST the repeat body to a bare Fastify route doing one INSERT through a pg Pool',
      spec: (_, durationSeconds) => ({
        url: `${insert.base}/insert`,
        method: 'POST',
        headers: json,
        body: SAMPLE_BODY,
        durationSeconds,
        connections,
      }),
      writes: {
        pool: insert.pool,
        statements: insert.statements,
        prepare: async () => {
          const before = await insert.rows();
          return async (result) => {
            const after = await insert.rows();
            return { committed: after - before, checks: verifyInsert(before, after, result, connections) };
          };
        },
      },
    },
    {
      name: 'klaxon live',
      what: "in-app ceiling: GET /health/live through Klaxon's full HTTP stack, no database",
      spec: (_, durationSeconds) => ({ url: `${klaxon.base}/health/live`, method: 'GET', durationSeconds, connections }),
    },
    {
      name: 'klaxon repeat',
      what: 'POST /v1/webhooks/alertmanager: the same group of 2 firing alerts again (dedup: counters only)',
      spec: (_, durationSeconds) => ({ ...webhook(t.repeat.key), body: repeatBody(), durationSeconds, connections }),
      writes: {
        pool,
        statements: klaxon.statements,
        prepare: async () => {
          const before = await snapshot(pool, t.repeat.id);
          return async (result) => {
            const after = await snapshot(pool, t.repeat.id);
            return { committed: after.deliveriesOk - before.deliveriesOk, checks: verifyRepeat(before, after, result, connections) };
          };
        },
      },
    },
    {
      name: 'klaxon distinct',
      what: 'POST /v1/webhooks/alertmanager: every request a new group of 2 firing alerts (a new incident each)',
      spec: (phase, durationSeconds) => ({
        ...webhook(t.distinct.key),
        distinctTag: `${t.runTag}${phase === 'warmup' ? 'w' : 'm'}`,
        durationSeconds,
        connections,
      }),
      writes: {
        pool,
        statements: klaxon.statements,
        prepare: async () => {
          const before = await snapshot(pool, t.distinct.id);
          return async (result) => {
            const after = await snapshot(pool, t.distinct.id);
            const checks = await verifyDistinct(pool, t.distinct.id, before, after, result, connections);
            return { committed: after.deliveriesOk - before.deliveriesOk, checks };
          };
        },
      },
    },
  ];
}
