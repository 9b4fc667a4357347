/**
 * The Opsgenie Alert API, received: `Authorization: GenieKey <integration key>`, requests decoded by
 * the pure adapters (ingest/opsgenie.ts) and applied through the ingestion pipeline. Opsgenie answers
 * asynchronously with a requestId; Klaxon applies the request before answering and keeps the id on the
 * delivery, so the status endpoint senders poll (Zabbix) reads what happened.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { IntegrationRow } from '../db/schema.js';
import { Errors } from '../errors.js';
import { type DeliveryResult, type IngestSettings, ingestWith } from '../incidents/deliveries.js';
import { parseWebhookBody } from '../ingest/json.js';
import { adaptOpsgenieAction, adaptOpsgenieCreate, adaptOpsgenieUpdate, type OpsgenieAction } from '../ingest/opsgenie.js';
import type { AdapterResult } from '../ingest/types.js';
import { PayloadError } from '../ingest/types.js';
import { integrationForKey } from './authenticate.js';
import { ingestContext } from './ingest-context.js';

/** The key of `Authorization: GenieKey <key>` (Bearer is accepted too), or undefined. */
export function genieKey(header: string | undefined): string | undefined {
  return header?.match(/^(?:GenieKey|Bearer)[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i)?.[1];
}

export function authenticateOpsgenie(db: Db, header: string | undefined): Promise<IntegrationRow> {
  return integrationForKey(db, 'opsgenie', genieKey(header));
}

export type IdentifierType = 'id' | 'alias' | 'tiny';
export type OpsgenieUpdate = 'message' | 'description';

export interface OpsgenieRequest extends IngestSettings {
  rawBody: string;
  now: Date;
}

/** The Opsgenie name of each request, as the status endpoint reports it. */
const ACTION_NAMES: Record<'create' | OpsgenieAction | OpsgenieUpdate, string> = {
  create: 'Create',
  message: 'UpdateMessage',
  description: 'UpdateDescription',
  close: 'Close',
  acknowledge: 'Acknowledge',
  unacknowledge: 'UnAcknowledge',
  notes: 'AddNote',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The alias an identifier names: an alias is itself; an id is Klaxon's alert id; tiny ids are not kept. */
async function aliasOf(db: Db, integrationId: string, identifier: string, type: IdentifierType): Promise<string | undefined> {
  if (type === 'alias') return identifier;
  if (type === 'tiny' || !UUID.test(identifier)) return undefined;
  const row = await db
    .selectFrom('alerts')
    .select('identity')
    .where('integration_id', '=', integrationId)
    .where('id', '=', identifier)
    .executeTakeFirst();
  return row?.identity;
}

function parse(rawBody: string, emptyIsNothing: boolean): unknown {
  if (emptyIsNothing && rawBody.trim() === '') return undefined;
  const parsed = parseWebhookBody(rawBody);
  if (!parsed.ok) throw new PayloadError([{ path: '', message: parsed.reason }]);
  return parsed.value;
}

/**
 * One Alert API request (create, or an action on an identifier), applied and recorded with a new
 * requestId. Invalid bodies are recorded and refused (a KlaxonError with paths).
 */
export async function receiveOpsgenie(
  db: Db,
  row: IntegrationRow,
  request: { action: 'create' } | { action: OpsgenieAction | OpsgenieUpdate; identifier: string; identifierType: IdentifierType },
  req: OpsgenieRequest,
): Promise<{ requestId: string; result: DeliveryResult }> {
  const requestId = randomUUID();
  const alias = request.action === 'create' ? undefined : await aliasOf(db, row.id, request.identifier, request.identifierType);
  const decode = (): AdapterResult => {
    if (request.action === 'create')
      return adaptOpsgenieCreate(parse(req.rawBody, false), { receivedAt: req.now, rawBody: req.rawBody, newKey: randomUUID() });
    if (request.action === 'message' || request.action === 'description') {
      return adaptOpsgenieUpdate(request.action, alias, parse(req.rawBody, false));
    }
    return adaptOpsgenieAction(request.action, alias, parse(req.rawBody, true), { receivedAt: req.now, rawBody: req.rawBody });
  };
  const input = {
    integration: ingestContext(row),
    source: 'opsgenie' as const,
    rawBody: req.rawBody,
    now: req.now,
    bodyMax: req.bodyMax,
    policy: req.policy,
    requestId,
    action: ACTION_NAMES[request.action],
  };
  return { requestId, result: await ingestWith(db, input, decode) };
}

interface RecordedOutcome {
  action?: string;
  note?: string;
  alerts?: Array<{ identity: string; incidentId: string | null; outcome: string }>;
}

const DONE: Record<string, string> = {
  Create: 'Created alert',
  Close: 'Closed alert',
  Acknowledge: 'Acknowledged alert',
  AddNote: 'Added note',
  UnAcknowledge: 'UnAcknowledge is not supported',
  UpdateMessage: 'Updated message',
  UpdateDescription: 'Updated description',
};

/** What `GET /v2/alerts/requests/{requestId}` answers, from the delivery that carried the request. */
export async function opsgenieRequestStatus(db: Db, row: IntegrationRow, requestId: string) {
  const delivery = UUID.test(requestId)
    ? await db
        .selectFrom('deliveries')
        .select(['outcome', 'received_at', 'status_code'])
        .where('integration_id', '=', row.id)
        .where('request_id', '=', requestId)
        .executeTakeFirst()
    : undefined;
  if (!delivery) throw Errors.requestNotFound('Request not found. It might not be processed, yet.');
  const outcome = delivery.outcome as RecordedOutcome;
  const alert = outcome.alerts?.[0];
  const alertRow = alert
    ? await db
        .selectFrom('alerts')
        .select('id')
        .where('integration_id', '=', row.id)
        .where('identity', '=', alert.identity)
        .executeTakeFirst()
    : undefined;
  const action = outcome.action ?? 'Create';
  // Applied to an alert Klaxon has: whatever a create did, or an action on an alert with an incident.
  const applied = alert !== undefined && alert.outcome !== 'ignored' && (action === 'Create' || alert.incidentId !== null);
  const success = applied && action !== 'UnAcknowledge';
  const status = success ? DONE[action]! : action === 'UnAcknowledge' ? DONE.UnAcknowledge! : 'Alert does not exist';
  return {
    data: {
      success,
      action,
      processedAt: delivery.received_at.toISOString(),
      integrationId: row.id,
      isSuccess: success,
      status,
      alertId: alertRow?.id ?? '',
      alias: alert?.identity ?? '',
    },
  };
}
