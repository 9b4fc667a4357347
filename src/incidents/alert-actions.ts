/**
 * What a sender does to an alert besides firing or resolving it: acknowledge it (PagerDuty's and
 * Opsgenie's `acknowledge`), add a note (Opsgenie's `notes`, a `note` event whose actor is the
 * integration on behalf of the named user) or update its text (Opsgenie's message/description). Applied inside the delivery's
 * transaction, after its alerts. An action about no open alert is accepted and changes nothing,
 * as PagerDuty and Opsgenie do; its outcome says `ignored`.
 */

import { sql } from 'kysely';
import type { AlertAction } from '../ingest/types.js';
import { type Actor, actorLabel } from './actors.js';
import type { AlertSummary, IngestIntegration } from './engine.js';
import { addEvent } from './events.js';
import type { Trx } from './incident-store.js';
import * as store from './incident-store.js';
import { actOnIncident } from './lifecycle-service.js';
import type { IncidentPolicy } from './policy.js';

/** The incident an alert fires in, locked, when it is open; undefined otherwise. */
async function openIncidentOf(trx: Trx, integrationId: string, identity: string) {
  return trx
    .selectFrom('alerts as a')
    .innerJoin('incidents as i', 'i.id', 'a.incident_id')
    .select(['i.id', 'i.number', 'i.status', 'a.status as alert_status'])
    .where('a.integration_id', '=', integrationId)
    .where('a.identity', '=', identity)
    .where('i.status', '<>', 'resolved')
    .forUpdate(['i'])
    .executeTakeFirst();
}

/**
 * Acknowledges an open incident on behalf of an integration's sender, through the incident
 * lifecycle (in the delivery's transaction; the incident row is already locked). Acknowledging an
 * incident already acknowledged or further along changes nothing.
 */
function acknowledgeIncident(
  trx: Trx,
  incidentId: string,
  integration: IngestIntegration,
  policy: IncidentPolicy,
): Promise<{ changed: boolean }> {
  return actOnIncident(trx, incidentId, { type: 'acknowledge' }, senderActor(integration), { policy });
}

/** The integration's sender as the actor; Opsgenie may name the person (`user`) who acted through it. */
function senderActor(integration: IngestIntegration, onBehalfOf?: string): Actor {
  return { type: 'integration', id: integration.id, name: integration.name, ...(onBehalfOf ? { onBehalfOf } : {}) };
}

/** Applies the actions in order; one summary per action. */
export async function applyAlertActions(
  trx: Trx,
  integration: IngestIntegration,
  actions: AlertAction[],
  now: Date,
  policy: IncidentPolicy,
): Promise<AlertSummary[]> {
  const summaries: AlertSummary[] = [];
  for (const action of actions) {
    if (action.type === 'update') {
      summaries.push(await updateAlert(trx, integration.id, action, now));
      continue;
    }
    const open = await openIncidentOf(trx, integration.id, action.identity);
    const base = { identity: action.identity, incidentId: open?.id ?? null, incidentNumber: open ? Number(open.number) : null };
    if (!open) {
      summaries.push({ ...base, outcome: 'ignored' });
      continue;
    }
    if (action.type === 'acknowledge') {
      // Only a firing alert acknowledges: a resolved one no longer speaks for its incident.
      if (open.alert_status !== 'firing') {
        summaries.push({ ...base, outcome: 'ignored' });
        continue;
      }
      const { changed } = await acknowledgeIncident(trx, open.id, integration, policy);
      summaries.push({ ...base, outcome: changed ? 'acknowledged' : 'duplicate' });
      continue;
    }
    const actor = senderActor(integration, action.user);
    const from = action.source ? ` (${action.source}, alert ${action.identity})` : ` (alert ${action.identity})`;
    await addEvent(trx, open.id, 'note', `Note by ${actorLabel(actor)}${from}: ${action.note}`, { text: action.note }, actor, now);
    summaries.push({ ...base, outcome: 'noted' });
  }
  return summaries;
}

/** Opsgenie's message/description updates (Alertmanager `update_alerts`): the alert's text, whatever its state. */
async function updateAlert(
  trx: Trx,
  integrationId: string,
  action: Extract<AlertAction, { type: 'update' }>,
  now: Date,
): Promise<AlertSummary> {
  const row = await trx
    .updateTable('alerts')
    .set((eb) => ({
      ...(action.title !== undefined ? { title: action.title } : {}),
      ...(action.description !== undefined
        ? { annotations: sql<string>`annotations || ${JSON.stringify({ description: action.description })}::jsonb` }
        : {}),
      last_seen_at: now,
      receive_count: eb('receive_count', '+', 1),
    }))
    .where('integration_id', '=', integrationId)
    .where('identity', '=', action.identity)
    .returning(['incident_id'])
    .executeTakeFirst();
  const incidentNumber = row?.incident_id ? await store.incidentNumber(trx, row.incident_id) : null;
  return { identity: action.identity, incidentId: row?.incident_id ?? null, incidentNumber, outcome: row ? 'updated' : 'ignored' };
}
