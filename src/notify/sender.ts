/**
 * Sending one notification: claim it (one process, once), send it outside any
 * transaction, record what came of it. A retryable failure is retried with
 * exponential backoff by a new job enqueued in the recording transaction; the final
 * failure goes on the timeline and escalates at once to the next step.
 */

import type { Updateable } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import type { NotificationRow, NotificationsTable } from '../db/schema.js';
import type { Trx } from '../incidents/incident-store.js';
import type { Channels, SendResult } from './channels/index.js';
import { claim } from './claim.js';
import { notificationFailed, notificationSent } from './events.js';
import { enqueueSends } from './outbox.js';
import { type IncidentFacts, type Rendered, renderDigest, renderIncident } from './render.js';
import { type NotifySettings, retryDelayMs } from './settings.js';

/** escalation/hooks.ts: `after` is the step whose notification failed (a later step firing since makes it a no-op). */
/** Fires the incident's pending step at once; false when there was none to fire (hooks.ts escalateNow). */
export type EscalateNow = (trx: Trx, incidentId: string, reason: string, after?: { cycle: number; step: number }) => Promise<boolean>;

export interface NotifyDeps {
  db: Db;
  channels: Channels;
  settings: NotifySettings;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Fires the incident's next escalation step (escalation/hooks.ts), in the recording transaction. */
  escalateNow?: EscalateNow;
  clock?: () => Date;
}

export type SendOutcome = 'sent' | 'retrying' | 'failed' | 'skipped';

/** Claims, sends and records one notification. Safe to run any number of times, anywhere. */
export async function sendNotification(deps: NotifyDeps, notificationId: string): Promise<SendOutcome> {
  const clock = deps.clock ?? (() => new Date());
  const claimed = await deps.db.transaction().execute((trx) => claim(trx, notificationId, clock(), deps.settings));
  if (claimed.kind === 'skip') return 'skipped';
  const { row, incident, digest } = claimed;
  const started = clock();
  const link = deps.settings.publicUrl ? `${deps.settings.publicUrl.replace(/\/+$/, '')}/v1/incidents/${incident.id}` : undefined;
  const rendered = render(row, incident, digest, started, deps.settings, link);
  let result: SendResult;
  try {
    result = await deps.channels[row.channel]({
      notificationId: row.id,
      idempotencyKey: row.idempotency_key,
      channel: row.channel,
      address: row.address,
      purpose: row.purpose,
      incident,
      rendered,
      webhookSecret: row.webhook_secret ?? undefined,
      escalation: { cycle: row.cycle, step: row.step },
      link,
    });
  } catch (err) {
    result = { outcome: 'retryable', error: `unexpected: ${(err as Error).message}` };
  }
  const outcome = await record(deps, row, result, started, clock());
  deps.log.info({ notificationId: row.id, channel: row.channel, attempt: row.attempts, outcome }, 'notification attempt');
  return outcome;
}

function render(
  row: NotificationRow,
  incident: IncidentFacts,
  digest: IncidentFacts[],
  now: Date,
  s: NotifySettings,
  link?: string,
): Rendered {
  return row.purpose === 'digest'
    ? renderDigest(digest, s.throttle.windowSeconds)
    : renderIncident(incident, row.purpose, now, s.policy, link);
}

async function record(deps: NotifyDeps, row: NotificationRow, result: SendResult, started: Date, now: Date): Promise<SendOutcome> {
  const s = deps.settings;
  return deps.db.transaction().execute(async (trx) => {
    // Only the claim this process holds may record: a claim that expired and was retaken is not ours.
    const mine = await trx
      .selectFrom('notifications')
      .select('id')
      .where('id', '=', row.id)
      .where('status', '=', 'sending')
      .where('attempts', '=', row.attempts)
      .forUpdate()
      .executeTakeFirst();
    if (!mine) return 'skipped';
    const error = result.outcome === 'sent' ? null : result.error;
    await trx
      .insertInto('notification_attempts')
      .values({ notification_id: row.id, attempt: row.attempts, started_at: started, finished_at: now, outcome: result.outcome, error })
      .onConflict((oc) => oc.doNothing())
      .execute();
    if (result.outcome === 'sent') {
      const done = await update(trx, row.id, { status: 'sent', sent_at: now, last_error: null, next_attempt_at: null, updated_at: now });
      await notificationSent(trx, done, now);
      return 'sent';
    }
    if (result.outcome === 'retryable' && row.attempts < s.maxAttempts) {
      const next = new Date(now.getTime() + retryDelayMs(row.attempts, s));
      await update(trx, row.id, { status: 'pending', last_error: error, next_attempt_at: next, updated_at: now });
      await enqueueSends(trx, [row.id], next);
      return 'retrying';
    }
    const failed = await update(trx, row.id, {
      status: 'failed',
      failed_at: now,
      last_error: error,
      next_attempt_at: null,
      updated_at: now,
    });
    await notificationFailed(trx, failed, error!, now);
    // A delivery failure uses the next step at once; a channel Klaxon has no address for does not (see unconfigured()).
    const gap = result.outcome === 'permanent' && result.unconfigured === true;
    if (row.purpose !== 'digest' && deps.escalateNow && !gap) {
      const reason = `${row.purpose} by ${row.channel} to ${row.target} failed: ${error}`;
      await deps.escalateNow(trx, row.incident_id, reason, { cycle: row.cycle, step: row.step });
    }
    return 'failed';
  });
}

function update(trx: Trx, id: string, values: Updateable<NotificationsTable>) {
  return trx.updateTable('notifications').set(values).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
