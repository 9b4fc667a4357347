import type { IncidentStatus } from '../vocabulary.js';
import { nextTimer, type Position, type Timer } from './planner.js';
import type { Policy } from './policies.js';

/** Where an incident's escalation stands (incident_escalations), as the decision reads it. */
export interface EscalationState {
  policyId: string | null;
  /** The cycle of the pending step: only grows; it keys the step's notifications. */
  cycle: number;
  round: number;
  step: number;
  stopped: boolean;
}

/** What the escalation_step job names: the (cycle, step) it was enqueued for. */
export interface StepPayload {
  incidentId: string;
  cycle: number;
  step: number;
}

export type StopReason = 'acknowledged' | 'resolved' | 'completed' | 'no_policy' | 'policy_deleted';

export type StepDecision =
  /** The job is for a step that is no longer pending (replaced, stopped, already fired): nothing to do. */
  | { kind: 'stale' }
  | { kind: 'stop'; reason: StopReason }
  /** Fire the pending step; then arm `next` (its cycle included) or, when null, the policy is done. */
  | { kind: 'fire'; position: Position; cycle: number; next: (Timer & { cycle: number }) | null }
  /** The policy lost the pending step (edited to fewer steps): skip to what follows it. */
  | { kind: 'skip'; next: (Timer & { cycle: number }) | null };

/**
 * The escalation timer's decision, given `now`: fire the pending step unless someone acknowledged,
 * the incident resolved, or the job is stale; and when the step after it is due.
 */
export function decideStep(
  payload: StepPayload,
  state: EscalationState | undefined,
  status: IncidentStatus,
  policy: Policy | undefined,
  now: Date,
): StepDecision {
  if (!state || state.stopped || state.cycle !== payload.cycle || state.step !== payload.step) return { kind: 'stale' };
  if (status === 'resolved') return { kind: 'stop', reason: 'resolved' };
  if (status !== 'triggered') return { kind: 'stop', reason: 'acknowledged' };
  if (!policy) return { kind: 'stop', reason: state.policyId === null ? 'no_policy' : 'policy_deleted' };
  const withCycle = (t: Timer | null) => (t ? { ...t, cycle: t.round === state.round ? state.cycle : state.cycle + 1 } : null);
  if (state.step >= policy.steps.length) {
    const last = { round: state.round, step: policy.steps.length - 1 };
    return { kind: 'skip', next: withCycle(nextTimer(policy, last, now)) };
  }
  const position = { round: state.round, step: state.step };
  return { kind: 'fire', position, cycle: state.cycle, next: withCycle(nextTimer(policy, position, now)) };
}
