/**
 * Escalation events on the incident's timeline. Each kind's `data` is flat:
 *
 * - escalation_started: { policyId, policyName, cycle, cause, firstStepAt } (policyId null: no policy matched)
 * - escalation_step:    { policyId, cycle, round, step, queued, targets, emptyTargets, nextStepAt }
 * - escalation_stopped: { reason, cycle }, reason one of acknowledged, resolved, completed, no_policy, policy_deleted
 * - escalated:          { reason, cycle, step } (the pending step fired at once: a final delivery failure, a pager's escalate)
 */
import { KLAXON } from '../incidents/actors.js';
import { addEvent, event, type NewEvent } from '../incidents/events.js';
import type { Trx } from '../incidents/incident-store.js';
import type { StopReason } from './decide-step.js';

export type StartCause = 'opened' | 'reopened' | 'severity_changed';

export interface StartedFacts {
  policyId: string | null;
  policyName: string | null;
  cycle: number;
  cause: StartCause;
  firstStepAt: Date | null;
}

/** The escalation_started event (pure): for writing now, or together with others. */
export function escalationStartedEvent(p: StartedFacts): NewEvent<'escalation_started'> {
  const message = p.policyId
    ? `Escalation ${p.cause === 'opened' ? 'started' : `restarted (${p.cause.replace('_', ' ')})`} under policy "${p.policyName}"`
    : 'No escalation policy matches this incident: nobody is paged';
  return event('escalation_started', message, { ...p, firstStepAt: p.firstStepAt?.toISOString() ?? null });
}

export function escalationStep(
  trx: Trx,
  incidentId: string,
  d: {
    policyId: string;
    cycle: number;
    round: number;
    step: number;
    queued: number;
    targets: number;
    empty: string[];
    nextStepAt: Date | null;
  },
  at: Date,
) {
  const empties = d.empty.length ? ` Reached nobody: ${d.empty.join('; ')}.` : '';
  const next = d.nextStepAt ? ` Next step at ${d.nextStepAt.toISOString()} unless acknowledged.` : ' No further steps.';
  const message = `Escalation step ${d.step + 1}${d.round ? ` (repeat ${d.round})` : ''}: ${d.queued} notification(s) queued.${empties}${next}`;
  const { empty, nextStepAt, ...rest } = d;
  return addEvent(
    trx,
    incidentId,
    'escalation_step',
    message,
    { ...rest, emptyTargets: empty.length, nextStepAt: nextStepAt?.toISOString() ?? null },
    KLAXON,
    at,
  );
}

const STOP_TEXT: Record<StopReason, string> = {
  acknowledged: 'Escalation stopped: acknowledged',
  resolved: 'Escalation stopped: resolved',
  completed: 'Escalation finished: every step and repeat has fired',
  no_policy: 'Escalation stopped: no policy',
  policy_deleted: 'Escalation stopped: its policy was deleted',
};

export function escalationStopped(trx: Trx, incidentId: string, reason: StopReason, cycle: number, at: Date) {
  return addEvent(trx, incidentId, 'escalation_stopped', STOP_TEXT[reason], { reason, cycle }, KLAXON, at);
}

export function escalated(trx: Trx, incidentId: string, reason: string, cycle: number, step: number, at: Date) {
  return addEvent(trx, incidentId, 'escalated', `Escalated at once: ${reason}`, { reason, cycle, step }, KLAXON, at);
}
