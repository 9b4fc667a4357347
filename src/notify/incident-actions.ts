/**
 * What a pager callback needs from the incident lifecycle: acknowledge or resolve through
 * the lifecycle's own `actOnIncident` (the state machine, the timeline with the actor, and
 * escalation told in the same transaction), as an integration acting on a responder's behalf.
 */
import type { Actor } from '../incidents/actors.js';
import type { Trx } from '../incidents/incident-store.js';
import { actOnIncident } from '../incidents/lifecycle-service.js';
import type { IncidentPolicy } from '../incidents/policy.js';

/** The contract's Actor, as a callback acts: an integration on a responder's behalf. */
export type CallbackActor = Extract<Actor, { type: 'integration' }>;

export type CallbackAction = { type: 'acknowledge'; message?: string } | { type: 'resolve'; message?: string };

export type ActOnIncident = (trx: Trx, incidentId: string, action: CallbackAction, actor: CallbackActor) => Promise<{ changed: boolean }>;

/** The lifecycle's actOnIncident under the app's incident policy (its acknowledgement targets and cadence). */
export const lifecycleAct =
  (policy: IncidentPolicy): ActOnIncident =>
  (trx, incidentId, action, actor) =>
    actOnIncident(trx, incidentId, action, actor, { policy });
