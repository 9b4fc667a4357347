/**
 * The incident state machine, one pure module used by the lifecycle API and the
 * ingestion engine (docs/lifecycle.md):
 *
 *   triggered → acknowledged → investigating ⇄ identified ⇄ mitigating
 *        any open status → resolved → (reopen) → triggered
 *
 * - Acknowledging is idempotent: an incident already acknowledged or further along
 *   stays as it is. Setting a working status on a triggered incident acknowledges it
 *   on the way (a responder who says "investigating" has seen it).
 * - The three working statuses follow in any order (a failed mitigation goes back to
 *   investigating); nothing goes back to triggered except a reopen.
 * - Resolve from any open status; reopen only from resolved.
 */
import type { IncidentRow } from '../db/schema.js';
import type { IncidentStatus, WorkingStatus } from '../vocabulary.js';
import { event, type NewEvent } from './events.js';
import { ackDeadline, type IncidentPolicy } from './policy.js';

export type IncidentAction =
  | { type: 'acknowledge'; message?: string }
  | { type: 'status'; status: WorkingStatus | 'resolved'; message?: string }
  | { type: 'resolve'; message?: string }
  | { type: 'reopen'; message?: string };

export type Transition =
  /** Nothing to do: the incident already is where the action would take it. */
  | { ok: true; changed: false }
  | {
      ok: true;
      changed: true;
      to: IncidentStatus;
      /** This transition is the incident's first acknowledgement. */
      acknowledges: boolean;
    }
  | { ok: false; from: IncidentStatus; requested: string; reason: string };

const OPEN_WORKING = new Set<IncidentStatus>(['investigating', 'identified', 'mitigating']);

/** What the action asks for, as a status (for messages and refusals). */
export function requestedStatus(action: IncidentAction): IncidentStatus {
  switch (action.type) {
    case 'acknowledge':
      return 'acknowledged';
    case 'status':
      return action.status;
    case 'resolve':
      return 'resolved';
    case 'reopen':
      return 'triggered';
  }
}

/** Decides whether `action` may move an incident out of status `from`, and where to. */
export function decideTransition(from: IncidentStatus, action: IncidentAction): Transition {
  const requested = action.type === 'reopen' ? 'reopen' : requestedStatus(action);
  const refuse = (reason: string): Transition => ({ ok: false, from, requested, reason });
  const to = requestedStatus(action);

  if (action.type === 'reopen') {
    return from === 'resolved'
      ? { ok: true, changed: true, to: 'triggered', acknowledges: false }
      : refuse('only a resolved incident can be reopened');
  }
  if (from === 'resolved') {
    return refuse(to === 'resolved' ? 'the incident is already resolved' : 'the incident is resolved: reopen it first');
  }
  if (to === 'resolved') return { ok: true, changed: true, to, acknowledges: false };
  if (to === 'acknowledged') {
    return from === 'triggered' ? { ok: true, changed: true, to, acknowledges: true } : { ok: true, changed: false };
  }
  // A working status.
  if (from === to) return { ok: true, changed: false };
  if (from === 'triggered' || from === 'acknowledged' || OPEN_WORKING.has(from)) {
    return { ok: true, changed: true, to, acknowledges: from === 'triggered' };
  }
  return refuse(`no transition from ${from} to ${to}`);
}

/** The engine's question: may an incident in this status be resolved by its alerts? */
export function isOpen(status: IncidentStatus): boolean {
  return status !== 'resolved';
}

/** What a transition writes: the incident's new columns and its timeline events (pure; applied by lifecycle-service). */
export interface TransitionPlan {
  set: { status: IncidentStatus; acknowledged_at?: Date; resolved_at?: Date | null };
  events: NewEvent[];
  /** A person resolved it while alerts fired: those alerts end now, so their re-sends do not reopen it. */
  resolveFiringAlerts: boolean;
}

export function planTransition(
  row: Pick<IncidentRow, 'status' | 'opened_at' | 'acknowledged_at' | 'severity' | 'firing_count'>,
  action: IncidentAction,
  t: Extract<Transition, { changed: true }>,
  who: string,
  policy: IncidentPolicy,
  now: Date,
): TransitionPlan {
  const message = action.message?.trim() || null;
  const said = message ? `: ${message}` : '';
  const events: NewEvent[] = [];
  const set: TransitionPlan['set'] = { status: t.to };
  if (t.acknowledges && row.acknowledged_at === null) {
    set.acknowledged_at = now;
    const deadline = ackDeadline(row.opened_at, row.severity, policy);
    const seconds = Math.max(0, Math.floor((now.getTime() - row.opened_at.getTime()) / 1000));
    const withinTarget = now <= deadline;
    const ackMessage = action.type === 'acknowledge' ? message : null;
    events.push(
      event('acknowledged', `Acknowledged by ${who}${action.type === 'acknowledge' ? said : ''}`, {
        message: ackMessage,
        withinTarget,
        secondsToAcknowledge: seconds,
      }),
    );
  }
  if (t.to === 'resolved') {
    set.resolved_at = now;
    const firing = row.firing_count;
    const still = firing > 0 ? ` while ${firing} alert(s) still fired` : '';
    events.push(event('resolved', `Resolved by ${who}${still}${said}`, { cause: 'responder', firingAlerts: firing, message }));
    return { set, events, resolveFiringAlerts: firing > 0 };
  }
  if (action.type === 'reopen') {
    set.resolved_at = null;
    events.push(event('reopened', `Reopened by ${who}${said}`, { cause: 'responder', identity: null, resolvedAt: null, message }));
    return { set, events, resolveFiringAlerts: false };
  }
  if (action.type === 'status') {
    const from = t.acknowledges ? 'acknowledged' : row.status;
    events.push(event('status_changed', `Status ${from} → ${t.to} by ${who}${said}`, { from, to: t.to, message }));
  }
  return { set, events, resolveFiringAlerts: false };
}
