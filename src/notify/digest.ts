import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { enqueueSends } from './outbox.js';

export interface DigestPayload {
  userId: string;
  channel: 'email' | 'chat' | 'pager' | 'webhook';
  address: string;
}

/**
 * Folds a person's throttled notifications (to one channel address) into one digest
 * notification and queues it; the digest skips the throttle. Nothing held → nothing sent.
 * Returns the digest's id, if one was made.
 */
export async function assembleDigest(db: Db, p: DigestPayload, now: Date = new Date()): Promise<string | undefined> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`notify-user:${p.userId}`}, 0))`.execute(trx);
    const held = await trx
      .selectFrom('notifications')
      .select(['id', 'seq', 'incident_id'])
      .where('user_id', '=', p.userId)
      .where('channel', '=', p.channel)
      .where('address', '=', p.address)
      .where('status', '=', 'throttled')
      .where('digest_id', 'is', null)
      .orderBy('seq')
      .forUpdate()
      .execute();
    if (held.length === 0) return undefined;
    const newest = held[held.length - 1]!;
    const digest = await trx
      .insertInto('notifications')
      .values({
        incident_id: newest.incident_id,
        cycle: 0,
        step: -1,
        channel: p.channel,
        target: `user:${p.userId}`,
        address: p.address,
        user_id: p.userId,
        purpose: 'digest',
        // The first held notification names the digest: assembling twice makes one.
        idempotency_key: `digest:${p.userId}:${p.channel}:${held[0]!.seq}`,
        created_at: now,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!digest) return undefined;
    await trx
      .updateTable('notifications')
      .set({ digest_id: digest.id, updated_at: now })
      .where(
        'id',
        'in',
        held.map((h) => h.id),
      )
      .execute();
    await enqueueSends(trx, [digest.id]);
    return digest.id;
  });
}
