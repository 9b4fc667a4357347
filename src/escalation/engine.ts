import { sql } from 'kysely';
import type { IncidentEscalationRow } from '../db/schema.js';
import type { Trx } from '../incidents/incident-store.js';
import { enqueue, type JobSpec } from '../jobs/queue.js';
import { queueNotifications } from '../notify/outbox.js';
import { decideStep, type EscalationState, type StepPayload } from './decide-step.js';
import { escalationStep, escalationStopped } from './events.js';
import { resolveStep } from './planner.js';
import { loadPolicy, planContext } from './policy-store.js';

/**
 * The escalation engine: gather (state, incident, policy, who is on call now) → decide
 * (decideStep, pure) → apply (notifications into the outbox, the next timer, the state), all in
 * the caller's transaction. The state row is the lock: two processes running the same timer
 * serialize on it, and the second finds the step already fired (stale).
 */

export const STEP_TASK = 'escalation_step';
/** One pending timer per incident: enqueueing with this key replaces the one pending. */
export const stepJobKey = (incidentId: string) => `escalation:${incidentId}`;

export function toState(row: IncidentEscalationRow): EscalationState {
  return { policyId: row.policy_id, cycle: row.cycle, round: row.round, step: row.step, stopped: row.stopped_at !== null };
}

export function lockState(trx: Trx, incidentId: string): Promise<IncidentEscalationRow | undefined> {
  return trx.selectFrom('incident_escalations').selectAll().where('incident_id', '=', incidentId).forUpdate().executeTakeFirst();
}

/** Arms the incident's one timer for (cycle, step) at `at`, replacing any pending one. */
export function armTimer(trx: Trx, incidentId: string, cycle: number, step: number, at: Date): Promise<void> {
  const { task, payload, opts } = timerJob(incidentId, cycle, step, at);
  return enqueue(trx, task, payload, opts);
}

/** The job armTimer enqueues, for enqueueing it together with others. */
export function timerJob(incidentId: string, cycle: number, step: number, at: Date): JobSpec {
  const payload: StepPayload = { incidentId, cycle, step };
  return { task: STEP_TASK, payload: { ...payload }, opts: { jobKey: stepJobKey(incidentId), runAt: at } };
}

export async function disarmTimer(trx: Trx, incidentId: string): Promise<void> {
  // A running (locked) job keeps going; it finds the state stopped and does nothing.
  await sql`select graphile_worker.remove_job(${stepJobKey(incidentId)})`.execute(trx);
}

export async function stopEscalation(trx: Trx, row: IncidentEscalationRow, reason: Parameters<typeof escalationStopped>[2], at: Date) {
  await trx
    .updateTable('incident_escalations')
    .set({ stopped_at: at, stop_reason: reason, next_at: null, updated_at: at })
    .where('incident_id', '=', row.incident_id)
    .execute();
  await escalationStopped(trx, row.incident_id, reason, row.cycle, at);
}

/** Runs one escalation timer (the escalation_step task), in the caller's transaction. */
export async function runEscalationStep(trx: Trx, payload: StepPayload, now: Date): Promise<void> {
  const row = await lockState(trx, payload.incidentId);
  if (!row) return;
  const incident = await trx.selectFrom('incidents').select('status').where('id', '=', payload.incidentId).executeTakeFirst();
  if (!incident) return;
  const policy = row.policy_id ? await loadPolicy(trx, row.policy_id) : undefined;
  const decision = decideStep(payload, toState(row), incident.status, policy, now);
  switch (decision.kind) {
    case 'stale':
      return;
    case 'stop':
      return stopEscalation(trx, row, decision.reason, now);
    case 'skip':
    case 'fire':
      break;
  }
  let fired = { queued: 0, targets: 0, empty: [] as string[] };
  if (decision.kind === 'fire') {
    const { round, step } = decision.position;
    const targets = resolveStep(policy!, step, now, await planContext(trx, policy!, now));
    const requests = targets.flatMap((t) =>
      t.notifications.map((n) => ({ ...n, incidentId: payload.incidentId, cycle: decision.cycle, step })),
    );
    fired = { queued: await queueNotifications(trx, requests), targets: targets.length, empty: targets.flatMap((t) => t.empty ?? []) };
    await escalationStep(
      trx,
      payload.incidentId,
      { policyId: policy!.id, cycle: decision.cycle, round, step, ...fired, nextStepAt: decision.next?.at ?? null },
      now,
    );
  }
  const next = decision.next;
  await trx
    .updateTable('incident_escalations')
    .set({
      ...(decision.kind === 'fire'
        ? { last_fired_cycle: decision.cycle, last_fired_step: decision.position.step, last_fired_at: now }
        : {}),
      ...(next ? { cycle: next.cycle, round: next.round, step: next.step, next_at: next.at } : { next_at: null }),
      updated_at: now,
    })
    .where('incident_id', '=', payload.incidentId)
    .execute();
  if (next) await armTimer(trx, payload.incidentId, next.cycle, next.step, next.at);
  else await stopEscalation(trx, row, 'completed', now);
}
