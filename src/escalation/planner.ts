import type { TargetRow } from '../db/schema.js';
import { onCallAt, type Schedule } from './oncall.js';
import type { Policy } from './policies.js';

/**
 * The escalation planner: which step fires when, and whom a step reaches through which channel.
 * Pure; the dry run (simulate) and the engine (escalation-step task) both use it, so a dry run
 * says what the engine will do.
 */

export type Channel = 'email' | 'chat' | 'pager' | 'webhook';
export type Purpose = 'page' | 'notify' | 'reminder' | 'ticket';

/** One message to send (the outbox request without its incident, cycle and step). */
export interface PlannedNotification {
  channel: Channel;
  /** Stable target key: 'user:<uuid>', 'email:<addr>', 'chat:<#channel>', 'pager:<addr>', 'webhook:<policy>/<step>/<index>'. */
  target: string;
  address: string;
  userId?: string;
  purpose: Purpose;
  webhookSecret?: string;
}

export interface Person {
  id: string;
  name: string;
  email: string | null;
  pagerAddress: string | null;
}

export interface PlanContext {
  schedules: Map<string, Schedule & { name: string }>;
  users: Map<string, Person>;
}

/** One policy target at one instant: whom it reached, or why it reached nobody. */
export interface ResolvedTarget {
  target: TargetRow;
  /** The people a schedule target resolved to (their notifications are below). */
  onCall?: string[];
  notifications: PlannedNotification[];
  /** Why this target reached nobody (an empty schedule, a user without contact details, no URL). */
  empty?: string;
}

/** Where an escalation stands: the repeat round (0 = first run) and the step within it. */
export interface Position {
  round: number;
  step: number;
}

export interface Timer extends Position {
  at: Date;
}

/** The first step's timer for an escalation starting at `start`. */
export function firstTimer(policy: Policy, start: Date): Timer | null {
  if (policy.steps.length === 0) return null;
  return { round: 0, step: 0, at: new Date(start.getTime() + policy.steps[0]!.delaySeconds * 1000) };
}

/** The timer after `fired` fired at `firedAt`: the next step, a repeat's step 0, or null when the policy is done. */
export function nextTimer(policy: Policy, fired: Position, firedAt: Date): Timer | null {
  const next = fired.step + 1;
  if (next < policy.steps.length) {
    return { round: fired.round, step: next, at: new Date(firedAt.getTime() + policy.steps[next]!.delaySeconds * 1000) };
  }
  if (fired.round < policy.repeat) {
    return { round: fired.round + 1, step: 0, at: new Date(firedAt.getTime() + policy.repeatDelaySeconds * 1000) };
  }
  return null;
}

function person(userId: string, purpose: 'page' | 'notify', ctx: PlanContext): Omit<ResolvedTarget, 'target'> {
  const user = ctx.users.get(userId);
  if (!user) return { notifications: [], empty: `user ${userId} no longer exists` };
  const target = `user:${user.id}`;
  const out: PlannedNotification[] = [];
  // A page goes to every contact a person has that can wake them; a notification is an email.
  if (purpose === 'page' && user.pagerAddress) out.push({ channel: 'pager', target, address: user.pagerAddress, userId, purpose });
  if (user.email) out.push({ channel: 'email', target, address: user.email, userId, purpose });
  if (out.length === 0) {
    const has = purpose === 'page' ? 'email or pager address' : 'email address';
    return { notifications: [], empty: `${user.name} has no ${has}` };
  }
  return { notifications: out };
}

function resolveTarget(policyId: string, stepIndex: number, index: number, target: TargetRow, at: Date, ctx: PlanContext) {
  switch (target.type) {
    case 'user':
      return person(target.id, target.purpose ?? 'page', ctx);
    case 'schedule': {
      const schedule = ctx.schedules.get(target.id);
      if (!schedule) return { notifications: [], empty: `schedule ${target.id} no longer exists` };
      const onCall = onCallAt(schedule, at).userIds;
      if (onCall.length === 0) return { onCall, notifications: [], empty: `nobody is on call in "${schedule.name}"` };
      const each = onCall.map((id) => person(id, target.purpose ?? 'page', ctx));
      const empty = each.flatMap((e) => e.empty ?? []);
      return { onCall, notifications: each.flatMap((e) => e.notifications), ...(empty.length ? { empty: empty.join('; ') } : {}) };
    }
    case 'email':
      return {
        notifications: [
          { channel: 'email', target: `email:${target.address}`, address: target.address, purpose: target.purpose ?? 'page' },
        ],
      };
    case 'chat':
      return { notifications: [{ channel: 'chat', target: `chat:${target.channel}`, address: target.channel, purpose: 'notify' }] };
    case 'pager':
      return { notifications: [{ channel: 'pager', target: `pager:${target.address}`, address: target.address, purpose: 'page' }] };
    case 'webhook': {
      if (!target.url) return { notifications: [], empty: 'the webhook has no URL yet' };
      const n: PlannedNotification = {
        channel: 'webhook',
        target: `webhook:${policyId}/${stepIndex}/${index}`,
        address: target.url,
        purpose: target.purpose ?? 'ticket',
        ...(target.secret ? { webhookSecret: target.secret } : {}),
      };
      return { notifications: [n] };
    }
  }
}

/**
 * Whom step `stepIndex` of the policy reaches at `at` (schedules resolved to who is on call then).
 * A (target, channel) pair is sent once per step even when two targets name the same person.
 */
export function resolveStep(policy: Policy, stepIndex: number, at: Date, ctx: PlanContext): ResolvedTarget[] {
  const seen = new Set<string>();
  return (policy.steps[stepIndex]?.targets ?? []).map((target, i) => {
    const r = resolveTarget(policy.id, stepIndex, i, target, at, ctx) as Omit<ResolvedTarget, 'target'>;
    const notifications = r.notifications.filter((n) => {
      const key = `${n.target}\u0000${n.channel}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { ...r, target, notifications };
  });
}

export interface PlannedStep extends Timer {
  targets: ResolvedTarget[];
}

export interface Plan {
  policyId: string;
  steps: PlannedStep[];
  /** True when the plan was cut at the limit (a long repeat). */
  truncated: boolean;
}

/** Every step the policy would fire from `start` if nobody acknowledged, up to `limit` steps. */
export function planEscalation(policy: Policy, start: Date, ctx: PlanContext, limit = 100): Plan {
  const steps: PlannedStep[] = [];
  let timer = firstTimer(policy, start);
  while (timer && steps.length < limit) {
    steps.push({ ...timer, targets: resolveStep(policy, timer.step, timer.at, ctx) });
    timer = nextTimer(policy, timer, timer.at);
  }
  return { policyId: policy.id, steps, truncated: timer !== null };
}
