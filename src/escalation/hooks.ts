import type { IncidentEscalationRow, IncidentRow } from '../db/schema.js';
import { KLAXON } from '../incidents/actors.js';
import { addEvent } from '../incidents/events.js';
import type { Trx } from '../incidents/incident-store.js';
import { enqueueAll } from '../jobs/queue.js';
import { armTimer, disarmTimer, lockState, stopEscalation, timerJob } from './engine.js';
import { escalated, escalationStartedEvent, type StartCause } from './events.js';
import { firstTimer } from './planner.js';
import { choosePolicy, type Policy } from './policies.js';
import { loadPolicies } from './policy-store.js';
import { type Cadence, disarmReminder, firstReminderAt, reminderJob, startReminders } from './reminders.js';

/**
 * What the rest of Klaxon tells escalation, inside the transaction that changed the incident:
 * the ingestion engine (opened, resolved, reopened, severity_changed) and the lifecycle
 * (acknowledged, resolved, reopened, a severity override). Timers are jobs enqueued in that same
 * transaction, so a change and its escalation commit together or not at all.
 */
export interface IncidentChange {
  incidentId: string;
  kind: 'opened' | 'acknowledged' | 'resolved' | 'reopened' | 'severity_changed';
  at: Date;
  /** The incident as the caller holds it (locked, current), saving a read. */
  incident?: EscalationFacts;
}

/** What escalation needs of an incident to choose its policy and plan. */
export type EscalationFacts = Pick<IncidentRow, 'severity' | 'service' | 'integration_id' | 'status'>;

/**
 * Opened → the chosen policy's first step at once (after its delay); acknowledged → paging stops;
 * resolved → everything stops; reopened → starts again in a new cycle; severity changed while
 * unacknowledged → re-planned from the policy for the new severity when that is another policy.
 * `cadence` (KLAXON_UPDATE_CADENCE) times the status-update reminders a start or re-plan arms.
 */
export async function onIncidentChange(trx: Trx, change: IncidentChange, cadence: Cadence): Promise<void> {
  switch (change.kind) {
    case 'opened':
    case 'reopened':
      return start(trx, change.incidentId, change.kind, change.at, cadence, change.incident);
    case 'severity_changed':
      return replan(trx, change.incidentId, change.at, cadence);
    case 'acknowledged':
    case 'resolved': {
      const row = await lockState(trx, change.incidentId);
      if (!row) return;
      // Reminders go on while the incident is open (an acknowledged one still owes updates).
      if (change.kind === 'resolved') await disarmReminder(trx, change.incidentId);
      await disarmTimer(trx, change.incidentId);
      if (row.stopped_at === null) await stopEscalation(trx, row, change.kind, change.at);
      return;
    }
  }
}

/**
 * (Re)starts the incident's escalation under the policy chosen now, in a new cycle: the state row
 * (with its first reminder), the timeline event, then the step timer and the reminder together.
 * An incident just opened has no state yet, so there is none to lock.
 */
async function start(trx: Trx, incidentId: string, cause: StartCause, at: Date, cadence: Cadence, known?: EscalationFacts): Promise<void> {
  const incident =
    known ??
    (await trx
      .selectFrom('incidents')
      .select(['severity', 'service', 'integration_id', 'status'])
      .where('id', '=', incidentId)
      .executeTakeFirstOrThrow());
  const previous = cause === 'opened' ? undefined : await lockState(trx, incidentId);
  const plan = planStart(await loadPolicies(trx), incidentId, incident, cause, previous, at, cadence);
  await trx
    .insertInto('incident_escalations')
    .values({ incident_id: incidentId, ...plan.values })
    .onConflict((oc) => oc.column('incident_id').doUpdateSet(plan.values))
    .execute();
  await addEvent(trx, incidentId, plan.event.kind, plan.event.message, plan.event.data, KLAXON, at);
  if (plan.values.next_at === null) await disarmTimer(trx, incidentId);
  await enqueueAll(trx, plan.jobs);
}

/**
 * What (re)starting an incident's escalation does, decided purely: the state row's values (a new
 * cycle under the policy chosen now, its first reminder), the timeline event, and the jobs (the
 * first step's timer when a policy matched, and the reminder). The ingestion engine's batched
 * open path (open-store.ts) writes the same plan for many incidents at once.
 */
export function planStart(
  policies: Policy[],
  incidentId: string,
  incident: EscalationFacts,
  cause: StartCause,
  previous: Pick<IncidentEscalationRow, 'cycle' | 'reminder_seq'> | undefined,
  at: Date,
  cadence: Cadence,
) {
  const cycle = previous ? previous.cycle + 1 : 0;
  const policy = choosePolicy(policies, { severity: incident.severity, service: incident.service, integrationId: incident.integration_id });
  const timer = policy ? firstTimer(policy, at) : null;
  const reminderAt = firstReminderAt(incident.severity, at, cadence);
  const values = {
    policy_id: policy?.id ?? null,
    cycle,
    round: 0,
    step: 0,
    started_at: at,
    next_at: timer?.at ?? null,
    stopped_at: timer ? null : at,
    stop_reason: timer ? null : 'no_policy',
    reminder_at: reminderAt,
    updated_at: at,
  };
  const facts = { policyId: policy?.id ?? null, policyName: policy?.name ?? null, cycle, cause, firstStepAt: timer?.at ?? null };
  const reminder = reminderJob(incidentId, previous?.reminder_seq ?? 0, reminderAt);
  return { values, event: escalationStartedEvent(facts), jobs: timer ? [timerJob(incidentId, cycle, 0, timer.at), reminder] : [reminder] };
}

async function replan(trx: Trx, incidentId: string, at: Date, cadence: Cadence): Promise<void> {
  const incident = await trx
    .selectFrom('incidents')
    .select(['severity', 'service', 'integration_id', 'status'])
    .where('id', '=', incidentId)
    .executeTakeFirstOrThrow();
  if (incident.status === 'resolved') return;
  const row = await lockState(trx, incidentId);
  // The update cadence follows the new severity, acknowledged or not.
  await startReminders(trx, incidentId, incident.severity, at, cadence);
  if (incident.status !== 'triggered') return; // acknowledged: nobody is paged again
  const policy = choosePolicy(await loadPolicies(trx), {
    severity: incident.severity,
    service: incident.service,
    integrationId: incident.integration_id,
  });
  // The same policy still applies: its escalation goes on as planned.
  if (row && (policy?.id ?? null) === row.policy_id && row.stopped_at === null) return;
  await start(trx, incidentId, 'severity_changed', at, cadence);
}

/**
 * Fires the incident's pending step at once (a notification finally failed, a pager asked to
 * escalate). `after`, when given, is the step whose failure asks for it: if a later step has
 * fired since, the escalation has already moved on and nothing changes. Does nothing once the
 * escalation stopped (acknowledged, resolved, finished). True when the step fired.
 */
export async function escalateNow(trx: Trx, incidentId: string, reason: string, after?: { cycle: number; step: number }): Promise<boolean> {
  const row = await lockState(trx, incidentId);
  if (!row || row.stopped_at !== null) return false;
  if (after && (row.last_fired_cycle !== after.cycle || row.last_fired_step !== after.step)) return false;
  const now = new Date();
  await trx.updateTable('incident_escalations').set({ next_at: now, updated_at: now }).where('incident_id', '=', incidentId).execute();
  await escalated(trx, incidentId, reason, row.cycle, row.step, now);
  await armTimer(trx, incidentId, row.cycle, row.step, now);
  return true;
}
