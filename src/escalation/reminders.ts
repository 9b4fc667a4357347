import { sql } from 'kysely';
import { KLAXON } from '../incidents/actors.js';
import { formatCadence } from '../incidents/communications.js';
import { addEvent } from '../incidents/events.js';
import type { Trx } from '../incidents/incident-store.js';
import type { IncidentPolicy } from '../incidents/policy.js';
import { enqueue, type JobSpec } from '../jobs/queue.js';
import { queueNotifications } from '../notify/outbox.js';
import type { EventKind, IncidentStatus, Severity } from '../vocabulary.js';
import { type PlannedNotification, resolveStep } from './planner.js';
import { loadPolicy, planContext } from './policy-store.js';

/**
 * Status-update reminders: while an incident is open, whoever its policy reaches first (the
 * on-call, its chat channel) is reminded when no status update has been posted for the
 * severity's cadence (the seeds: 15 min, 30 min, 2 h, daily). One durable job per incident.
 */

export const REMINDER_TASK = 'escalation_reminder';
export const reminderJobKey = (incidentId: string) => `reminder:${incidentId}`;

/** Seconds between status updates per severity: KLAXON_UPDATE_CADENCE (the seeds: 15 min, 30 min, 2 h, daily). */
export type Cadence = IncidentPolicy['updateCadenceSeconds'];

/** Timeline kinds that count as a status update: a posted update (issue 10) or a status change. */
export const STATUS_UPDATE_KINDS: readonly EventKind[] = ['status_update', 'status_changed'];

export interface ReminderPayload {
  incidentId: string;
  seq: number;
}

export type ReminderDecision =
  | { kind: 'stale' }
  | { kind: 'stop' }
  /** An update came in meanwhile: look again when the cadence runs out after it. */
  | { kind: 'later'; at: Date }
  | { kind: 'remind'; nextAt: Date };

/**
 * Pure: is a status update overdue at `now`, and when to look next. Overdue means a cadence has
 * passed since the later of the opening, the last status update and the last reminder (one
 * reminder per cadence, not one per check).
 */
export function decideReminder(
  payload: ReminderPayload,
  state: { reminderSeq: number } | undefined,
  incident: { status: IncidentStatus; severity: Severity; openedAt: Date },
  last: { updateAt: Date | null; reminderAt: Date | null },
  now: Date,
  cadenceSeconds: Cadence,
): ReminderDecision {
  if (!state || state.reminderSeq !== payload.seq) return { kind: 'stale' };
  if (incident.status === 'resolved') return { kind: 'stop' };
  const cadence = cadenceSeconds[incident.severity] * 1000;
  const since = Math.max(incident.openedAt.getTime(), last.updateAt?.getTime() ?? 0, last.reminderAt?.getTime() ?? 0);
  if (now.getTime() < since + cadence) return { kind: 'later', at: new Date(since + cadence) };
  return { kind: 'remind', nextAt: new Date(now.getTime() + cadence) };
}

/** Arms the incident's reminder for its pending sequence number at `at` (replacing a pending one). */
export async function armReminder(trx: Trx, incidentId: string, seq: number, at: Date): Promise<void> {
  await trx.updateTable('incident_escalations').set({ reminder_at: at }).where('incident_id', '=', incidentId).execute();
  const { task, payload, opts } = reminderJob(incidentId, seq, at);
  await enqueue(trx, task, payload, opts);
}

/** The reminder job armReminder enqueues (the state's reminder_at must be set to `at` with it). */
export function reminderJob(incidentId: string, seq: number, at: Date): JobSpec {
  const payload: ReminderPayload = { incidentId, seq };
  return { task: REMINDER_TASK, payload: { ...payload }, opts: { jobKey: reminderJobKey(incidentId), runAt: at } };
}

/** When the first reminder is due after `from` (an opening, a reopening, a severity change). */
export function firstReminderAt(severity: Severity, from: Date, cadenceSeconds: Cadence): Date {
  return new Date(from.getTime() + cadenceSeconds[severity] * 1000);
}

export async function disarmReminder(trx: Trx, incidentId: string): Promise<void> {
  await trx.updateTable('incident_escalations').set({ reminder_at: null }).where('incident_id', '=', incidentId).execute();
  await sql`select graphile_worker.remove_job(${reminderJobKey(incidentId)})`.execute(trx);
}

/** Arms the first reminder one cadence after `from` (an opening, a reopening, a severity change). */
export async function startReminders(trx: Trx, incidentId: string, severity: Severity, from: Date, cadenceSeconds: Cadence): Promise<void> {
  const row = await trx.selectFrom('incident_escalations').select('reminder_seq').where('incident_id', '=', incidentId).executeTakeFirst();
  if (!row) return;
  await armReminder(trx, incidentId, row.reminder_seq, firstReminderAt(severity, from, cadenceSeconds));
}

/** When the incident last had a status update, and a reminder, in one query. */
async function lastTimes(trx: Trx, incidentId: string): Promise<{ updateAt: Date | null; reminderAt: Date | null }> {
  const { rows } = await sql<{ update_at: Date | null; reminder_at: Date | null }>`
    select max(at) filter (where kind = any(${[...STATUS_UPDATE_KINDS]}::text[])) as update_at,
           max(at) filter (where kind = 'update_reminder') as reminder_at
    from incident_events where incident_id = ${incidentId}`.execute(trx);
  return { updateAt: rows[0]?.update_at ?? null, reminderAt: rows[0]?.reminder_at ?? null };
}

/** Runs one reminder timer (the escalation_reminder task), in the caller's transaction. */
export async function runReminder(trx: Trx, payload: ReminderPayload, now: Date, cadence: Cadence): Promise<void> {
  const row = await trx
    .selectFrom('incident_escalations')
    .select(['policy_id', 'reminder_seq'])
    .where('incident_id', '=', payload.incidentId)
    .forUpdate()
    .executeTakeFirst();
  const incident = await trx
    .selectFrom('incidents')
    .select(['status', 'severity', 'opened_at'])
    .where('id', '=', payload.incidentId)
    .executeTakeFirst();
  if (!row || !incident) return;
  const last = await lastTimes(trx, payload.incidentId);
  const state = { reminderSeq: row.reminder_seq };
  const d = decideReminder(payload, state, { ...incident, openedAt: incident.opened_at }, last, now, cadence);
  if (d.kind === 'stale') return;
  if (d.kind === 'stop') return disarmReminder(trx, payload.incidentId);
  if (d.kind === 'later') return armReminder(trx, payload.incidentId, row.reminder_seq, d.at);

  const policy = row.policy_id ? await loadPolicy(trx, row.policy_id) : undefined;
  const reached = policy ? resolveStep(policy, 0, now, await planContext(trx, policy, now)) : [];
  // People by email, and chat channels; tickets and pagers are not for reminders.
  const requests = reached
    .flatMap((r) => r.notifications)
    .filter((n: PlannedNotification) => n.channel === 'chat' || (n.channel === 'email' && n.userId !== undefined))
    .map((n) => ({ ...n, purpose: 'reminder' as const, incidentId: payload.incidentId, cycle: payload.seq, step: -1 }));
  const queued = await queueNotifications(trx, requests);
  const cadenceSeconds = cadence[incident.severity];
  await addEvent(
    trx,
    payload.incidentId,
    'update_reminder',
    `Status update overdue (${incident.severity}: every ${formatCadence(cadenceSeconds)}): ${queued} reminder(s) sent`,
    { seq: payload.seq, severity: incident.severity, cadenceSeconds, queued, nextAt: d.nextAt.toISOString() },
    KLAXON,
    now,
  );
  await trx
    .updateTable('incident_escalations')
    .set({ reminder_seq: payload.seq + 1 })
    .where('incident_id', '=', payload.incidentId)
    .execute();
  await armReminder(trx, payload.incidentId, payload.seq + 1, d.nextAt);
}
