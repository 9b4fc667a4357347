/**
 * Status updates (the seeds' "We'll provide updates every 15 minutes"): a responder posts
 * the status, the current findings and the actions in progress, and optionally a public
 * message for the status page. Gather (the row FOR UPDATE, If-Match) → decide (the
 * lifecycle's transition when the status moves; the next update due by the cadence) →
 * apply (the incident's columns, the timeline event, the public update), in one transaction.
 */
import { type Db, inTransaction } from '../db/client.js';
import type { IncidentRow } from '../db/schema.js';
import type { WorkingStatus } from '../vocabulary.js';
import { type Actor, actorLabel } from './actors.js';
import { nextUpdateDue } from './communications.js';
import { addEvents, event, type NewEvent } from './events.js';
import type { Trx } from './incident-store.js';
import { decideTransition, type IncidentAction, planTransition, type TransitionPlan } from './lifecycle.js';
import { afterTransition, checkIfMatch, refusal, type TransitionOptions } from './lifecycle-service.js';
import { findIncident } from './queries.js';

export interface StatusUpdateInput {
  status: WorkingStatus | 'resolved';
  findings: string;
  actions: string;
  /** For the public status page; absent: an internal update only. */
  publicMessage?: string;
  /** The title the status page shows from now on. */
  publicTitle?: string;
}

export function postStatusUpdate(
  db: Db | Trx,
  ref: string,
  input: StatusUpdateInput,
  actor: Actor,
  opts: TransitionOptions,
): Promise<{ row: IncidentRow; eventId: number }> {
  return inTransaction(db, async (trx) => {
    const now = opts.now ?? new Date();
    const policy = opts.policy;
    const row = await findIncident(trx, ref, true);
    checkIfMatch(row, opts.ifMatch);
    const who = actorLabel(actor);
    const events: NewEvent[] = [];
    const set: Record<string, unknown> = { last_update_at: now, updated_at: now };
    let transition: { plan: TransitionPlan; action: IncidentAction } | undefined;

    // The status moves through the one state machine; the same status is just an update.
    if (input.status !== row.status) {
      const action = { type: 'status', status: input.status } as const;
      const t = decideTransition(row.status, action);
      if (!t.ok) throw refusal(row, t, action, '/body/status');
      if (t.changed) {
        const plan = planTransition(row, action, t, who, policy, now);
        Object.assign(set, plan.set);
        events.push(...plan.events);
        transition = { plan, action };
      }
    }
    const publicMessage = input.publicMessage?.trim() || null;
    const publicTitle = input.publicTitle?.trim() || null;
    if (publicMessage && row.public_update_at === null) set.public_update_at = now;
    if (publicTitle) set.public_title = publicTitle;
    if (input.status === 'resolved' && row.all_clear_at === null) set.all_clear_at = now;

    const status = (set.status as IncidentRow['status'] | undefined) ?? row.status;
    const due = nextUpdateDue({ severity: row.severity, status, openedAt: row.opened_at, lastUpdateAt: now }, policy.updateCadenceSeconds);
    events.push(
      event('status_update', `Status update by ${who} (${status})${publicMessage ? ', published' : ''}: ${input.findings}`, {
        status,
        findings: input.findings,
        actions: input.actions,
        publicMessage,
        publicTitle,
        nextUpdateDueAt: due?.toISOString() ?? null,
      }),
    );
    const updated = await trx.updateTable('incidents').set(set).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
    const ids = await addEvents(trx, row.id, events, actor, now);
    // Alerts a resolve ended, and escalation told: as for any other transition.
    if (transition) await afterTransition(trx, row.id, transition.plan, transition.action, now, policy.updateCadenceSeconds);
    if (publicMessage) {
      await trx.insertInto('public_updates').values({ incident_id: row.id, status, message: publicMessage, posted_at: now }).execute();
    }
    return { row: transition?.plan.resolveFiringAlerts ? await findIncident(trx, row.id) : updated, eventId: ids.at(-1)! };
  });
}

/** The latest status update's findings and actions, and the resolve message: what the messages say. */
export async function latestUpdate(
  db: Db,
  incidentId: string,
): Promise<{ findings: string | null; actions: string | null; resolution: string | null }> {
  const [update, resolved] = await Promise.all([
    db
      .selectFrom('incident_events')
      .select('data')
      .where('incident_id', '=', incidentId)
      .where('kind', '=', 'status_update')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('incident_events')
      .select('data')
      .where('incident_id', '=', incidentId)
      .where('kind', '=', 'resolved')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
  return {
    findings: str(update?.data.findings),
    actions: str(update?.data.actions),
    resolution: str(resolved?.data.message),
  };
}
