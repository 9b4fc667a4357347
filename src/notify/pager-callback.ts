/**
 * A pager provider calling back: acknowledge, resolve or escalate an incident on a
 * responder's behalf. The signature is claimed in the action's transaction, so a
 * replay is refused and an action that failed leaves the signature usable for a retry.
 */
import type { Db } from '../db/client.js';
import type { IntegrationRow } from '../db/schema.js';
import { Errors } from '../errors.js';
import { claimSignature } from '../incidents/deliveries.js';
import { addEvent } from '../incidents/events.js';
import type { Trx } from '../incidents/incident-store.js';
import type { VerifiedSignature } from '../ingest/signature.js';
import type { PagerCallbackBody, PagerCallbackResult } from '../schemas/callbacks.js';
import type { ActOnIncident, CallbackActor } from './incident-actions.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The incident a callback names: by id, or by the dedup key Klaxon paged with (also the id). */
export function callbackIncidentId(body: Pick<PagerCallbackBody, 'incidentId' | 'dedupKey'>): string {
  if (body.incidentId && body.dedupKey && body.incidentId.toLowerCase() !== body.dedupKey.toLowerCase()) {
    throw Errors.validation('incidentId and dedupKey name different incidents', [
      { path: '/body/dedupKey', message: 'must equal incidentId when both are given' },
    ]);
  }
  const ref = body.incidentId ?? body.dedupKey;
  if (!ref) throw Errors.validation('Name the incident', [{ path: '/body', message: 'needs incidentId or dedupKey' }]);
  // Not an id Klaxon ever sent: no incident has it (and PostgreSQL is never asked about a non-uuid).
  if (!UUID.test(ref)) throw Errors.incidentNotFound(`No incident has the dedup key ${JSON.stringify(ref.slice(0, 80))}`);
  return ref.toLowerCase();
}

export interface CallbackDeps {
  db: Db;
  act: ActOnIncident;
  /** False when the escalation had nothing to fire (stopped: acknowledged, resolved, finished). */
  escalateNow: (trx: Trx, incidentId: string, reason: string) => Promise<boolean>;
}

export async function handlePagerCallback(
  deps: CallbackDeps,
  integration: Pick<IntegrationRow, 'id' | 'name'>,
  body: PagerCallbackBody,
  signature: VerifiedSignature,
  now: Date = new Date(),
): Promise<PagerCallbackResult> {
  const incidentId = callbackIncidentId(body);
  const actor: CallbackActor = { type: 'integration', id: integration.id, name: integration.name, onBehalfOf: body.responder };
  return deps.db.transaction().execute(async (trx) => {
    if (!(await claimSignature(trx, integration.id, signature))) {
      throw Errors.callbackReplayed('This signature was already accepted: a callback is acted on once. Sign a new one to act again.');
    }
    const incident = await trx.selectFrom('incidents').select(['id', 'number']).where('id', '=', incidentId).executeTakeFirst();
    if (!incident) throw Errors.incidentNotFound(`Incident ${incidentId} does not exist`);
    let changed: boolean;
    if (body.action === 'escalate') {
      changed = await deps.escalateNow(trx, incidentId, `escalation requested by ${body.responder} via ${integration.name}`);
    } else {
      ({ changed } = await deps.act(trx, incidentId, { type: body.action, message: body.message }, actor));
    }
    await addEvent(
      trx,
      incidentId,
      'pager_callback',
      `${body.responder} asked to ${body.action} via ${integration.name}${changed ? '' : body.action === 'escalate' ? ' (no change: escalation stopped)' : ' (no change: already done)'}`,
      {
        action: body.action,
        responder: body.responder,
        integrationId: integration.id,
        integrationName: integration.name,
        changed,
        ...(body.message ? { message: body.message } : {}),
      },
      actor,
      now,
    );
    const after = await trx.selectFrom('incidents').select('status').where('id', '=', incidentId).executeTakeFirstOrThrow();
    return { incidentId, incidentNumber: Number(incident.number), action: body.action, changed, status: after.status };
  });
}
