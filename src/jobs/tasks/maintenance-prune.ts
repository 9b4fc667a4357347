import { sql } from 'kysely';
import type { Db } from '../../db/client.js';

export interface PruneSettings {
  revokedKeyRetentionDays: number;
}

/**
 * Deletes data past its retention. Runs hourly from the crontab and is safe to
 * run any number of times, from any number of processes.
 */
export async function prune(db: Db, settings: PruneSettings): Promise<{ apiKeys: number }> {
  const keys = await db
    .deleteFrom('api_keys')
    .where('revoked_at', '<', sql<Date>`now() - make_interval(days => ${settings.revokedKeyRetentionDays})`)
    .executeTakeFirst();
  return { apiKeys: Number(keys.numDeletedRows) };
}
