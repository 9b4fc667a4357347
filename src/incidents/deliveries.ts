import type { Db } from '../db/client.js';
import { Errors } from '../errors.js';
import { type AdapterSource, adapters } from '../ingest/index.js';
import { parseWebhookBody } from '../ingest/json.js';
import { storable } from '../ingest/limits.js';
import type { VerifiedSignature } from '../ingest/signature.js';
import { type AdapterResult, PayloadError } from '../ingest/types.js';
import { alertsIngested } from '../metrics.js';
import { applyAlertActions } from './alert-actions.js';
import { type AlertSummary, applyAlerts, type IngestIntegration, prepareAlerts } from './engine.js';
import type { PreparedAlert, Trx } from './incident-store.js';
import type { IncidentPolicy } from './policy.js';
import { alertMemory, learned } from './repeats.js';
import { loadActiveSilences } from './silences.js';

export interface DeliveryResult {
  deliveryId: number;
  integrationId: string;
  alerts: AlertSummary[];
  truncatedAlerts: number;
  note?: string;
  /** True when the delivery repeated a signature already accepted: answered, nothing applied. */
  replay?: boolean;
}

/** Where a delivery came from: a webhook adapter, a heartbeat, or a drop-in API (PagerDuty, Opsgenie). */
export type DeliverySource = AdapterSource | 'heartbeat' | 'pagerduty' | 'pagerduty_v1' | 'pagerduty_change' | 'opsgenie';

/** What every delivery is ingested with, from the configuration. */
export interface IngestSettings {
  /** Bytes of the body kept in the audit record (KLAXON_DELIVERY_BODY_MAX). */
  bodyMax: number;
  /** The acknowledgement targets and update cadence (KLAXON_ACK_TARGETS, KLAXON_UPDATE_CADENCE) its changes follow. */
  policy: IncidentPolicy;
}

export interface DeliveryInput extends IngestSettings {
  integration: IngestIntegration;
  source: DeliverySource;
  rawBody: string;
  now: Date;
  /** A verified signature: accepted once, so a replay changes nothing. */
  signature?: VerifiedSignature;
  /** The id an asynchronous API answers with (Opsgenie's requestId), kept on the delivery for its status endpoint. */
  requestId?: string;
  /** What a drop-in API request asked for (Opsgenie `Create`, `Close`, …), kept in the recorded outcome. */
  action?: string;
}

/**
 * One webhook delivery, all or nothing: decode with the source's adapter, apply
 * every alert, and record the delivery, in one transaction. A body the adapter
 * rejects is recorded too (as a 400), then answered with a problem naming the paths.
 */
export async function ingestDelivery(db: Db, input: DeliveryInput & { source: AdapterSource }): Promise<DeliveryResult> {
  return ingestWith(db, input, () => decode(input));
}

/** ingestDelivery with the caller's pure decoder (drop-in APIs whose requests are more than a body). */
export async function ingestWith(db: Db, input: DeliveryInput, decoder: () => AdapterResult): Promise<DeliveryResult> {
  let result: AdapterResult;
  try {
    result = decoder();
  } catch (err) {
    if (!(err instanceof PayloadError)) throw err;
    // Issues echo the sender's text (keys, JSON.parse's quote of the body): made storable once, here.
    const errors = err.issues.map((i) => ({ path: `/body${storable(i.path)}`, message: storable(i.message) }));
    await recordDelivery(db, input, 400, { errors });
    throw Errors.payloadNotUnderstood(`The ${input.source} payload was not understood: ${storable(err.message)}`, errors);
  }
  return applyDecoded(db, input, result);
}

/** Applies already-normalized alerts (heartbeats come here without a body to decode). */
export async function applyDecoded(db: Db, input: DeliveryInput, result: AdapterResult): Promise<DeliveryResult> {
  const prepared = prepareAlerts(input.integration, result);
  const applied = await retryOnConflict(() => applyOnce(db, input, result, prepared));
  // Counted once committed: a transaction retried after a deadlock counts once.
  for (const alert of applied.alerts) alertsIngested.inc({ source: input.source, outcome: alert.outcome });
  if (!applied.replay && prepared.size > 0) {
    const memory = alertMemory(db);
    for (const [identity, known] of learned([...prepared.values()], applied.alerts)) memory.set(input.integration.id, identity, known);
  }
  return applied;
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

function applyOnce(db: Db, input: DeliveryInput, result: AdapterResult, prepared: Map<string, PreparedAlert>): Promise<DeliveryResult> {
  return db.transaction().execute(async (trx) => {
    if (input.signature && !(await claimSignature(trx, input.integration.id, input.signature))) {
      return answerReplay(trx, input, result);
    }
    const silences = () => loadActiveSilences(trx, input.now);
    const applied = await applyAlerts(
      trx,
      input.integration,
      prepared,
      result.truncatedAlerts,
      silences,
      input.now,
      input.policy.updateCadenceSeconds,
    );
    const acted = result.actions?.length ? await applyAlertActions(trx, input.integration, result.actions, input.now, input.policy) : [];
    const alerts = [...applied, ...acted];
    const outcome = { alerts, truncatedAlerts: result.truncatedAlerts, ...(result.note ? { note: result.note } : {}) };
    const deliveryId = await recordDelivery(trx, input, 200, input.action ? { ...outcome, action: input.action } : outcome);
    return { deliveryId, integrationId: input.integration.id, ...outcome };
  });
}

/**
 * Records a signature as accepted, in the delivery's transaction: if the delivery
 * rolls back, so does the claim, and the sender's retry is accepted. A concurrent
 * twin waits on the row and then sees it taken. False when already taken.
 */
export async function claimSignature(trx: Trx, integrationId: string, signature: VerifiedSignature): Promise<boolean> {
  const claimed = await trx
    .insertInto('webhook_signatures')
    .values({ integration_id: integrationId, mac: signature.mac, expires_at: signature.expiresAt })
    .onConflict((oc) => oc.columns(['integration_id', 'mac']).doNothing())
    .returning('mac')
    .executeTakeFirst();
  return claimed !== undefined;
}

/** A replay is answered like a duplicate (a retry after a lost answer still gets a 2xx) and only audited. */
async function answerReplay(trx: Trx, input: DeliveryInput, result: AdapterResult): Promise<DeliveryResult> {
  const identities = [...new Set(result.alerts.map((a) => a.identity))];
  const rows = identities.length
    ? await trx
        .selectFrom('alerts as a')
        .leftJoin('incidents as i', 'i.id', 'a.incident_id')
        .select(['a.identity', 'a.incident_id', 'i.number'])
        .where('a.integration_id', '=', input.integration.id)
        .where('a.identity', 'in', identities)
        .execute()
    : [];
  const known = new Map(rows.map((r) => [r.identity, r]));
  const alerts: AlertSummary[] = identities.map((identity) => {
    const row = known.get(identity);
    return {
      identity,
      incidentId: row?.incident_id ?? null,
      incidentNumber: row?.number == null ? null : Number(row.number),
      outcome: 'duplicate',
    };
  });
  const outcome = {
    alerts,
    truncatedAlerts: result.truncatedAlerts,
    note: 'Replayed signature: already accepted, nothing changed',
    replay: true,
  };
  const deliveryId = await recordDelivery(trx, input, 200, outcome);
  return { deliveryId, integrationId: input.integration.id, ...outcome };
}

/** The source's adapter on the body (pure): normalized alerts, or a PayloadError naming what is wrong. */
export function decode(input: DeliveryInput & { source: AdapterSource }): AdapterResult {
  const parsed = parseWebhookBody(input.rawBody);
  // Health senders (Gatus, healthchecks.io) may send text that is not JSON: the adapter reads rawBody.
  if (!parsed.ok && input.source !== 'health') throw new PayloadError([{ path: '', message: parsed.reason }]);
  return adapters[input.source](parsed.ok ? parsed.value : undefined, {
    receivedAt: input.now,
    rawBody: input.rawBody,
    format: input.integration.format,
  });
}

/** A `deliveries` row as written: the body cut at bodyMax, text made storable. */
export interface DeliveryRecord {
  integration_id: string;
  source: string;
  status_code: number;
  outcome: string;
  body: string;
  body_bytes: number;
  received_at: Date;
  request_id?: string;
}

export function deliveryRecord(input: DeliveryInput, statusCode: number, outcome: unknown): DeliveryRecord {
  const bytes = Buffer.byteLength(input.rawBody);
  const kept = bytes <= input.bodyMax ? input.rawBody : truncateUtf8(input.rawBody, input.bodyMax);
  return {
    integration_id: input.integration.id,
    source: input.source,
    status_code: statusCode,
    // Notes echo sender text too (Uptime Kuma's test message): keep jsonb able to hold any of it.
    outcome: JSON.stringify(outcome, (_key, value: unknown) => (typeof value === 'string' ? storable(value) : value)),
    // NUL cannot be stored in text; the audit copy shows it escaped.
    body: kept.replaceAll('\u0000', '\\u0000'),
    body_bytes: bytes,
    received_at: input.now,
    ...(input.requestId ? { request_id: input.requestId } : {}),
  };
}

/** The audit record of one delivery, in the caller's transaction when given one. */
export async function recordDelivery(db: Db | Trx, input: DeliveryInput, statusCode: number, outcome: unknown): Promise<number> {
  const row = await db
    .insertInto('deliveries')
    .values(deliveryRecord(input, statusCode, outcome))
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
  let q = db.selectFrom('deliveries').selectAll().where('integration_id', '=', integrationId).orderBy('id', 'desc').limit(opts.limit);
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
