/** The read side of the outbox: an incident's notifications with every attempt, oldest first, paged. */
import type { Db } from '../db/client.js';
import type { NotificationRow } from '../db/schema.js';
import { Errors } from '../errors.js';
import type { ListNotificationsQuery, Notification, NotificationList } from '../schemas/notifications.js';
import { displayAddress } from './events.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

function rowToNotification(row: NotificationRow, attempts: Notification['attemptLog']): Notification {
  return {
    id: row.id,
    incidentId: row.incident_id,
    cycle: row.cycle,
    step: row.step,
    channel: row.channel,
    target: row.target,
    address: displayAddress(row.channel, row.address),
    userId: row.user_id,
    purpose: row.purpose,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    digestId: row.digest_id,
    createdAt: row.created_at.toISOString(),
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    sentAt: iso(row.sent_at),
    failedAt: iso(row.failed_at),
    updatedAt: row.updated_at.toISOString(),
    attemptLog: attempts,
  };
}

const encodeCursor = (seq: number) => Buffer.from(`n:${seq}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const m = /^n:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) {
    throw Errors.invalidCursor('cursor is invalid', [
      { path: '/query/cursor', message: 'not a cursor; pass a nextCursor from a previous page' },
    ]);
  }
  return Number(m[1]);
}

export async function listNotifications(db: Db, incidentId: string, query: ListNotificationsQuery): Promise<NotificationList> {
  const limit = query.limit ?? 50;
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const incident = await db.selectFrom('incidents').select('id').where('id', '=', incidentId).executeTakeFirst();
  if (!incident) throw Errors.incidentNotFound(`Incident ${incidentId} does not exist`);
  let q = db
    .selectFrom('notifications')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('seq')
    .limit(limit + 1);
  if (after !== undefined) q = q.where('seq', '>', after);
  const rows = await q.execute();
  const page = rows.slice(0, limit);
  const attempts = page.length
    ? await db
        .selectFrom('notification_attempts')
        .selectAll()
        .where(
          'notification_id',
          'in',
          page.map((r) => r.id),
        )
        .orderBy('attempt')
        .execute()
    : [];
  const byId = new Map<string, Notification['attemptLog']>(page.map((r) => [r.id, []]));
  for (const a of attempts) {
    byId.get(a.notification_id)?.push({
      attempt: a.attempt,
      startedAt: a.started_at.toISOString(),
      finishedAt: a.finished_at.toISOString(),
      outcome: a.outcome,
      error: a.error,
    });
  }
  const last = page.at(-1);
  return {
    items: page.map((r) => rowToNotification(r, byId.get(r.id)!)),
    nextCursor: rows.length > limit && last ? encodeCursor(Number(last.seq)) : null,
  };
}
