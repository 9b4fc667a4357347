import { sql } from 'kysely';
import type { Db } from '../../db/client.js';

export interface PruneSettings {
  revokedKeyRetentionDays: number;
  deliveryRetentionDays: number;
}

/**
 * Deletes data past its retention. Runs hourly from the crontab and is safe to
 * run any number of times, from any number of processes.
 */
export async function prune(
  db: Db,
  settings: PruneSettings,
): Promise<{ apiKeys: number; deliveries: number; integrationKeys: number; signatures: number }> {
  const keys = await db
    .deleteFrom('api_keys')
    .where('revoked_at', '<', sql<Date>`now() - make_interval(days => ${settings.revokedKeyRetentionDays})`)
    .executeTakeFirst();
  const deliveries = await db
    .deleteFrom('deliveries')
    .where('received_at', '<', sql<Date>`now() - make_interval(days => ${settings.deliveryRetentionDays})`)
    .executeTakeFirst();
  // Rotated-out integration keys past their overlap authenticate nothing: drop them.
  const integrationKeys = await db.deleteFrom('integration_keys').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
  // A signature past its window is refused on its timestamp alone: its replay record can go.
  const signatures = await db.deleteFrom('webhook_signatures').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
  return {
    apiKeys: Number(keys.numDeletedRows),
    deliveries: Number(deliveries.numDeletedRows),
    integrationKeys: Number(integrationKeys.numDeletedRows),
    signatures: Number(signatures.numDeletedRows),
  };
}

/** The hourly prune (crontab); it takes no payload. */
export function maintenancePruneTask(db: Db, settings: PruneSettings, log: { info(obj: object, msg: string): void }) {
  return async () => {
    const removed = await prune(db, settings);
    log.info({ removed }, 'pruned expired data');
  };
}
