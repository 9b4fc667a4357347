/**
 * Claiming a notification for sending, in one short transaction: the row lock and
 * its status decide who sends (one process, once); an incident that moved on cancels
 * it; the per-person throttle may hold it for a digest.
 */
import { sql } from 'kysely';
import type { NotificationRow } from '../db/schema.js';
import type { Trx } from '../incidents/incident-store.js';
import { notificationThrottled } from './events.js';
import { DIGEST_TASK } from './outbox.js';
import type { IncidentFacts } from './render.js';
import type { NotifySettings } from './settings.js';
import { decideThrottle, digestJobKey } from './throttle.js';

export type Claim =
  | { kind: 'send'; row: NotificationRow; incident: IncidentFacts; digest: IncidentFacts[] }
  | { kind: 'skip'; reason: string };

export async function loadIncidentFacts(trx: Trx, ids: string[]): Promise<IncidentFacts[]> {
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('incidents')
    .select(['id', 'number', 'title', 'severity', 'status', 'service', 'opened_at'])
    .where('id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r
      ? [
          {
            id: r.id,
            number: Number(r.number),
            title: r.title,
            severity: r.severity,
            status: r.status,
            service: r.service,
            openedAt: r.opened_at,
          },
        ]
      : [];
  });
}

/** Why this notification should no longer go out, if it should not. */
export function cancelReason(purpose: string, incidentStatus: string): string | undefined {
  if (purpose === 'digest') return undefined; // it reports what was held back, whatever happened since
  if (incidentStatus === 'resolved') return 'the incident was resolved before it was sent';
  if (purpose === 'page' && incidentStatus !== 'triggered') return `the incident was ${incidentStatus} before the page was sent`;
  return undefined;
}

export async function claim(trx: Trx, id: string, now: Date, s: NotifySettings): Promise<Claim> {
  // SKIP LOCKED: a row another transaction holds is being claimed or recorded there.
  const row = await trx.selectFrom('notifications').selectAll().where('id', '=', id).forUpdate().skipLocked().executeTakeFirst();
  if (!row) return { kind: 'skip', reason: 'gone or held by another transaction' };
  const stale = row.status === 'sending' && row.claimed_at !== null && now.getTime() - row.claimed_at.getTime() > s.claimTimeoutMs;
  if (row.status !== 'pending' && !stale) return { kind: 'skip', reason: `already ${row.status}` };
  if (stale) {
    // The process that claimed it stopped before recording what happened: count that attempt as lost.
    await trx
      .insertInto('notification_attempts')
      .values({
        notification_id: row.id,
        attempt: row.attempts,
        started_at: row.claimed_at!,
        finished_at: now,
        outcome: 'retryable',
        error: 'the sending process stopped before recording the outcome',
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  const [incident] = await loadIncidentFacts(trx, [row.incident_id]);
  if (!incident) return { kind: 'skip', reason: 'incident gone' };
  const cancel = cancelReason(row.purpose, incident.status);
  if (cancel) {
    await trx.updateTable('notifications').set({ status: 'cancelled', last_error: cancel, updated_at: now }).where('id', '=', id).execute();
    return { kind: 'skip', reason: cancel };
  }
  if (row.user_id && row.purpose !== 'digest' && (await hold(trx, row, now, s))) return { kind: 'skip', reason: 'throttled' };
  const claimed = await trx
    .updateTable('notifications')
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), claimed_at: now, updated_at: now }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const digest = row.purpose === 'digest' ? await digestItems(trx, row.id) : [];
  return { kind: 'send', row: claimed, incident, digest };
}

/** The throttle: under a per-person lock, count what reached them in the window; hold this one if full. */
async function hold(trx: Trx, row: NotificationRow, now: Date, s: NotifySettings): Promise<boolean> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`notify-user:${row.user_id}`}, 0))`.execute(trx);
  const recent = await trx
    .selectFrom('notifications')
    .select('claimed_at')
    .where('user_id', '=', row.user_id)
    .where('status', 'in', ['sending', 'sent'])
    .where('claimed_at', '>', new Date(now.getTime() - s.throttle.windowSeconds * 1000))
    .execute();
  const decision = decideThrottle(
    recent.map((r) => r.claimed_at!),
    now,
    s.throttle,
  );
  if (!decision.throttled) return false;
  const held = await trx
    .updateTable('notifications')
    .set({ status: 'throttled', updated_at: now })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await notificationThrottled(trx, held, decision.digestAt, now);
  // One digest job per person and address: later holds keep its time (preserve_run_at).
  await sql`select graphile_worker.add_job(
      identifier => ${DIGEST_TASK},
      payload => ${JSON.stringify({ userId: row.user_id, channel: row.channel, address: row.address })}::json,
      run_at => ${decision.digestAt}::timestamptz,
      job_key => ${digestJobKey(row.user_id!, row.channel, row.address)},
      job_key_mode => 'preserve_run_at'
    )`.execute(trx);
  return true;
}

async function digestItems(trx: Trx, digestId: string): Promise<IncidentFacts[]> {
  const rows = await trx.selectFrom('notifications').select('incident_id').where('digest_id', '=', digestId).orderBy('seq').execute();
  const facts = await loadIncidentFacts(trx, [...new Set(rows.map((r) => r.incident_id))]);
  return facts;
}
