import type { Db } from '../db/client.js';
import { Errors } from '../errors.js';
import { parseWebhookBody } from '../ingest/json.js';
import { adapters, type AdapterSource } from '../ingest/index.js';
import { PayloadError, type AdapterResult } from '../ingest/types.js';
import { applyAlerts, type AlertSummary, type IngestIntegration } from './engine.js';
import type { Trx } from './incident-store.js';
import { loadActiveSilences } from './silences.js';

export interface DeliveryResult {
  deliveryId: number;
  integrationId: string;
  alerts: AlertSummary[];
  truncatedAlerts: number;
  note?: string;
}

export interface DeliveryInput {
  integration: IngestIntegration;
  source: AdapterSource | 'heartbeat';
  rawBody: string;
  now: Date;
  /** Bytes of the body kept in the audit record. */
  bodyMax: number;
}

/**
 * One webhook delivery, all or nothing: decode with the source's adapter, apply
 * every alert, and record the delivery, in one transaction. A body the adapter
 * rejects is recorded too (as a 400), then answered with a problem naming the paths.
 */
export async function ingestDelivery(db: Db, input: DeliveryInput & { source: AdapterSource }): Promise<DeliveryResult> {
  let result: AdapterResult;
  try {
    result = decode(input);
  } catch (err) {
    if (!(err instanceof PayloadError)) throw err;
    const errors = err.issues.map((i) => ({ path: `/body${i.path}`, message: i.message }));
    await recordDelivery(db, input, 400, { errors });
    throw Errors.validation(`The ${input.source} payload was not understood: ${err.message}`, errors);
  }
  return applyDecoded(db, input, result);
}

/** Applies already-normalized alerts (heartbeats come here without a body to decode). */
export async function applyDecoded(db: Db, input: DeliveryInput, result: AdapterResult): Promise<DeliveryResult> {
  return retryOnConflict(() => applyOnce(db, input, result));
}

/** PostgreSQL's "try again" answers: the whole transaction rolled back, so rerunning it is safe. */
const RETRYABLE = new Set(['40P01', '40001']);

async function retryOnConflict<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
    }
  }
}

function applyOnce(db: Db, input: DeliveryInput, result: AdapterResult): Promise<DeliveryResult> {
  return db.transaction().execute(async (trx) => {
    const alerts = await applyAlerts(trx, input.integration, result, () => loadActiveSilences(trx, input.now), input.now);
    const outcome = { alerts, truncatedAlerts: result.truncatedAlerts, ...(result.note ? { note: result.note } : {}) };
    const deliveryId = await recordDelivery(trx, input, 200, outcome);
    return { deliveryId, integrationId: input.integration.id, ...outcome };
  });
}

function decode(input: DeliveryInput & { source: AdapterSource }): AdapterResult {
  const parsed = parseWebhookBody(input.rawBody);
  // Health senders (Gatus, healthchecks.io) may send text that is not JSON: the adapter reads rawBody.
  if (!parsed.ok && input.source !== 'health') throw new PayloadError([{ path: '', message: parsed.reason }]);
  return adapters[input.source](parsed.ok ? parsed.value : undefined, { receivedAt: input.now, rawBody: input.rawBody });
}

async function recordDelivery(db: Db | Trx, input: DeliveryInput, statusCode: number, outcome: unknown): Promise<number> {
  const bytes = Buffer.byteLength(input.rawBody);
  const kept = bytes <= input.bodyMax ? input.rawBody : truncateUtf8(input.rawBody, input.bodyMax);
  const row = await db
    .insertInto('deliveries')
    .values({
      integration_id: input.integration.id,
      source: input.source,
      status_code: statusCode,
      outcome: JSON.stringify(outcome),
      // NUL cannot be stored in text; the audit copy shows it escaped.
      body: kept.replace(/\u0000/g, '\\u0000'),
      body_bytes: bytes,
      received_at: input.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

function truncateUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text).subarray(0, maxBytes);
  return buf.toString('utf8').replace(/\uFFFD$/, '');
}

/** The newest deliveries of an integration (before a delivery id, for paging back): the audit trail. */
export async function listDeliveries(db: Db, integrationId: string, opts: { limit: number; before?: number }) {
  let q = db
    .selectFrom('deliveries')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .orderBy('id', 'desc')
    .limit(opts.limit);
  if (opts.before !== undefined) q = q.where('id', '<', opts.before);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    receivedAt: r.received_at.toISOString(),
    statusCode: r.status_code,
    outcome: r.outcome as Record<string, unknown>,
    body: r.body,
    bodyBytes: r.body_bytes,
    bodyTruncated: Buffer.byteLength(r.body) < r.body_bytes,
  }));
}
