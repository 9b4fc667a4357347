import { timingSafeEqual } from 'node:crypto';
import { hashKey } from '../auth/api-keys.js';
import type { Db } from '../db/client.js';
import type { IntegrationKind, IntegrationRow } from '../db/schema.js';
import { Errors } from '../errors.js';

/**
 * The integration a webhook key belongs to. Unknown, expired, deleted and
 * other-kind keys all get the same 401, so a caller learns nothing from which.
 * The lookup is by SHA-256 of the key (never the key itself), and the stored
 * hash is compared again in constant time.
 */
export async function integrationForKey(db: Db, kind: IntegrationKind, secret: string | undefined): Promise<IntegrationRow> {
  const wanted = hashKey(secret ?? '');
  const row = secret
    ? await db
        .selectFrom('integration_keys as k')
        .innerJoin('integrations as i', 'i.id', 'k.integration_id')
        .selectAll('i')
        .select('k.key_hash')
        .where('k.key_hash', '=', wanted)
        .where((eb) => eb.or([eb('k.expires_at', 'is', null), eb('k.expires_at', '>', new Date())]))
        .where('i.deleted_at', 'is', null)
        .executeTakeFirst()
    : undefined;
  const same = row !== undefined && timingSafeEqual(Buffer.from(row.key_hash), Buffer.from(wanted));
  if (!row || !same || row.kind !== kind) {
    throw Errors.unauthenticated('Unknown, revoked or wrong-kind integration key');
  }
  const { key_hash: _hash, ...integration } = row;
  return integration;
}
