/**
 * The notification outbox: escalation decides, in the transaction that changes the
 * incident, whom to notify; the rows written here are sent later, outside it, by
 * notification_send jobs enqueued in the same transaction (goalert's outgoing_messages).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { NotificationChannel } from '../vocabulary.js';

export type Channel = NotificationChannel;

export interface NotificationRequest {
  incidentId: string;
  /** Escalation cycle: 0 first, +1 on each policy repeat, reopen or re-plan. */
  cycle: number;
  /** Step index in the policy (reminders use -1). */
  step: number;
  channel: Channel;
  /** Stable target key: 'user:<uuid>', 'email:<addr>', 'chat:<#channel>', 'webhook:<policy target id>'. */
  target: string;
  /** Where it goes: email address, chat channel name, pager address, webhook URL. */
  address: string;
  /** The person, when the target is a person (throttling is per person). */
  userId?: string;
  purpose: 'page' | 'notify' | 'reminder' | 'ticket';
  /** For channel 'webhook': the HMAC secret to sign with. */
  webhookSecret?: string;
}

export const SEND_TASK = 'notification_send';
export const DIGEST_TASK = 'notification_digest';

/** A notification's send job has the key `notification:<id>`: a retry replaces a pending send rather than adding one. */
export const SEND_JOB_KEY_PREFIX = 'notification:';

export function idempotencyKey(r: Pick<NotificationRequest, 'incidentId' | 'cycle' | 'step' | 'target' | 'channel'>): string {
  return `${r.incidentId}:${r.cycle}:${r.step}:${r.target}:${r.channel}`;
}

/**
 * Writes each request once (by its idempotency key: a repeat inserts nothing) and
 * enqueues a notification_send job for each row inserted, in the caller's transaction.
 * Returns how many rows were inserted.
 */
export async function queueNotifications(trx: Kysely<Database>, requests: NotificationRequest[]): Promise<number> {
  if (requests.length === 0) return 0;
  const rows = await trx
    .insertInto('notifications')
    .values(
      requests.map((r) => ({
        incident_id: r.incidentId,
        cycle: r.cycle,
        step: r.step,
        channel: r.channel,
        target: r.target,
        address: r.address,
        user_id: r.userId ?? null,
        purpose: r.purpose,
        idempotency_key: idempotencyKey(r),
        webhook_secret: r.channel === 'webhook' ? (r.webhookSecret ?? null) : null,
      })),
    )
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .execute();
  await enqueueSends(
    trx,
    rows.map((r) => r.id),
  );
  return rows.length;
}

/** One notification_send job per id, in one statement, on the given executor (a transaction: only if it commits). */
export async function enqueueSends(executor: Kysely<Database>, ids: string[], runAt?: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql`select graphile_worker.add_job(
      identifier => ${SEND_TASK},
      payload => json_build_object('notificationId', id),
      run_at => ${runAt ?? null}::timestamptz,
      max_attempts => 10,
      job_key => ${SEND_JOB_KEY_PREFIX}::text || id
    ) from unnest(${ids}::uuid[]) as id`.execute(executor);
}
