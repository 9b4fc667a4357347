/**
 * What a pager callback needs from the incident lifecycle, shaped exactly like the lead's
 * `actOnIncident(trx, incidentId, action, actor)` (incidents/lifecycle-service.ts on main),
 * which replaces `interimActOnIncident` when issue 11 meets main: one line in
 * routes/callbacks. Until then this interim version acknowledges and resolves with the
 * same rules (acknowledging past `triggered` changes nothing; a resolved incident refuses
 * both) and tells escalation, so paging stops.
 */

import { Errors } from '../errors.js';
import { onIncidentChange } from '../escalation/hooks.js';
import type { Trx } from '../incidents/incident-store.js';

/** The contract's Actor, as a callback acts: an integration on a responder's behalf. */
export interface CallbackActor {
  type: 'integration';
  id: string;
  name: string;
  onBehalfOf?: string;
}

export type CallbackAction = { type: 'acknowledge'; message?: string } | { type: 'resolve'; message?: string };

export type ActOnIncident = (trx: Trx, incidentId: string, action: CallbackAction, actor: CallbackActor) => Promise<{ changed: boolean }>;

export const interimActOnIncident: ActOnIncident = async (trx, incidentId, action) => {
  const now = new Date();
  const row = await trx
    .selectFrom('incidents')
    .select(['id', 'number', 'status'])
    .where('id', '=', incidentId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw Errors.incidentNotFound(`Incident ${incidentId} does not exist`);
  if (row.status === 'resolved') {
    throw Errors.invalidTransition(`Incident #${row.number} is resolved; it cannot be ${action.type}d`);
  }
  if (action.type === 'acknowledge') {
    if (row.status !== 'triggered') return { changed: false };
    await trx.updateTable('incidents').set({ status: 'acknowledged', updated_at: now }).where('id', '=', incidentId).execute();
    await onIncidentChange(trx, { incidentId, kind: 'acknowledged', at: now });
    return { changed: true };
  }
  await trx
    .updateTable('alerts')
    .set({ status: 'resolved', ends_at: now })
    .where('incident_id', '=', incidentId)
    .where('status', '=', 'firing')
    .execute();
  await trx
    .updateTable('incidents')
    .set({ status: 'resolved', resolved_at: now, firing_count: 0, updated_at: now })
    .where('id', '=', incidentId)
    .execute();
  await onIncidentChange(trx, { incidentId, kind: 'resolved', at: now });
  return { changed: true };
};
