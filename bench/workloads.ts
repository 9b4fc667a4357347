/**
 * What the benchmark runs, in order: the two ceilings, Klaxon's own liveness
 * route, then the four ingestion workloads (`new-incident` last: the escalations
 * of the incidents it opens keep the job runner busy after it). Each writing
 * workload knows how to check itself afterwards and how many writes it committed.
 * No name contains another, so `--only` can take any of them.
 */
import type { LoadResult, LoadSpec } from './load.js';
import { BIG_GROUP_ALERTS, BIG_GROUPS, bigGroupBody, LIVE_GROUPS, liveGroupBody, repeatBody, SAMPLE_BODY } from './payloads.js';
import { type InsertCeiling, type KlaxonServer, type Listening, settle } from './servers.js';
import { type Check, snapshot, verifyDistinct, verifyGroups, verifyInsert, verifyRepeat } from './verify.js';

export const WORKLOAD_NAMES = [
  'page-latency',
  'bare-fastify',
  'insert-ceiling',
  'klaxon-live',
  'repeat-50',
  'hot-group',
  'alerts-100',
  'new-incident',
] as const;

export interface Outcome {
  /** Requests the server committed (a row each), in-flight ones at the stop included. */
  committed: number;
  checks: Check[];
}

export interface Workload {
  name: string;
  what: string;
  /** Klaxon serves it (its RSS counts towards the memory target; the ceilings only share the process). */
  klaxon: boolean;
  /** Alerts per request, when not 1 (alerts/s = req/s × this). */
  alertsPerRequest?: number;
  spec: (phase: 'warmup' | 'measure', durationSeconds: number) => LoadSpec;
  writes?: {
    /** Waits until the requests in flight at the stop have committed, before the database is read. */
    settle: () => Promise<void>;
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
  /** One integration per ingestion workload, its groups primed (but `new-incident`'s). */
  hot: { id: string; key: string };
  live: { id: string; key: string };
  big: { id: string; key: string };
  distinct: { id: string; key: string };
  connections: number;
  /** Makes the distinct workload's groups unique to this run and phase. */
  runTag: string;
}

export function workloads(t: Targets): Workload[] {
  const { bare, insert, klaxon, connections } = t;
  const pool = klaxon.handle.pool;
  const klaxonSettle = () => klaxon.settle();
  const json = { 'content-type': 'application/json' };
  const webhook = (key: string) => ({
    url: `${klaxon.base}/v1/webhooks/alertmanager`,
    method: 'POST' as const,
    headers: { ...json, authorization: `Bearer ${key}` },
  });
  const liveBodies = Array.from({ length: LIVE_GROUPS }, (_, i) => liveGroupBody(i));
  const bigBodies = Array.from({ length: BIG_GROUPS }, (_, i) => bigGroupBody(i));
  return [
    {
      name: 'bare-fastify',
      what: 'ceiling: GET / on a bare Fastify answering {ok:true}',
      klaxon: false,
      spec: (_, durationSeconds) => ({ url: `${bare.base}/`, method: 'GET', durationSeconds, connections }),
    },
    {
      name: 'insert-ceiling',
      what: 'ceiling: POST the hot-group body to a bare Fastify route doing one INSERT through a pg Pool',
      klaxon: false,
      spec: (_, durationSeconds) => ({
        url: `${insert.base}/insert`,
        method: 'POST',
        headers: json,
        body: SAMPLE_BODY,
        durationSeconds,
        connections,
      }),
      writes: {
        settle: () => settle(insert.pool),
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
      name: 'klaxon-live',
      what: "in-app ceiling: GET /health/live through Klaxon's full HTTP stack, no database",
      klaxon: true,
      spec: (_, durationSeconds) => ({ url: `${klaxon.base}/health/live`, method: 'GET', durationSeconds, connections }),
    },
    {
      name: 'repeat-50',
      what: `POST /v1/webhooks/alertmanager: repeats of ${LIVE_GROUPS} live groups of 2 firing alerts, round-robin`,
      klaxon: true,
      spec: (_, durationSeconds) => ({ ...webhook(t.live.key), bodies: liveBodies, durationSeconds, connections }),
      writes: {
        settle: klaxonSettle,
        statements: klaxon.statements,
        prepare: async () => {
          const before = await snapshot(pool, t.live.id);
          return async (result) => {
            const after = await snapshot(pool, t.live.id);
            const checks = verifyGroups(before, after, result, connections, { groups: LIVE_GROUPS, alertsPerGroup: 2 });
            return { committed: after.deliveriesOk - before.deliveriesOk, checks };
          };
        },
      },
    },
    {
      name: 'hot-group',
      what: "POST /v1/webhooks/alertmanager: one group of 2 firing alerts again and again (an HA pair's storm)",
      klaxon: true,
      spec: (_, durationSeconds) => ({ ...webhook(t.hot.key), body: repeatBody(), durationSeconds, connections }),
      writes: {
        settle: klaxonSettle,
        statements: klaxon.statements,
        prepare: async () => {
          const before = await snapshot(pool, t.hot.id);
          return async (result) => {
            const after = await snapshot(pool, t.hot.id);
            return { committed: after.deliveriesOk - before.deliveriesOk, checks: verifyRepeat(before, after, result, connections) };
          };
        },
      },
    },
    {
      name: 'alerts-100',
      what: `POST /v1/webhooks/alertmanager: repeats of ${BIG_GROUPS} live groups of ${BIG_GROUP_ALERTS} firing alerts, round-robin`,
      klaxon: true,
      alertsPerRequest: BIG_GROUP_ALERTS,
      spec: (_, durationSeconds) => ({ ...webhook(t.big.key), bodies: bigBodies, durationSeconds, connections }),
      writes: {
        settle: klaxonSettle,
        statements: klaxon.statements,
        prepare: async () => {
          const before = await snapshot(pool, t.big.id);
          return async (result) => {
            const after = await snapshot(pool, t.big.id);
            const checks = verifyGroups(before, after, result, connections, { groups: BIG_GROUPS, alertsPerGroup: BIG_GROUP_ALERTS });
            return { committed: after.deliveriesOk - before.deliveriesOk, checks };
          };
        },
      },
    },
    {
      name: 'new-incident',
      what: 'POST /v1/webhooks/alertmanager: every request a new group of 2 firing alerts (opens an incident)',
      klaxon: true,
      spec: (phase, durationSeconds) => ({
        ...webhook(t.distinct.key),
        distinctTag: `${t.runTag}${phase === 'warmup' ? 'w' : 'm'}`,
        durationSeconds,
        connections,
      }),
      writes: {
        settle: klaxonSettle,
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
