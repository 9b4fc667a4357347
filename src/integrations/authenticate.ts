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
export async function integrationForKey(
  db: Db,
  kind: IntegrationKind,
  secret: string | undefined,
  /** hashKey(secret), when the caller already has it. */
  keyHash = hashKey(secret ?? ''),
): Promise<IntegrationRow> {
  const row = await lookUp(db, kind, secret, keyHash).catch((err: unknown) => {
    // A revoked or deleted key is not served from memory again (it would cost its sender's next
    // request a repeat or open attempt before the 401).
    seen.get(db)?.delete(keyHash);
    throw err;
  });
  // Remembered for the repeat path, which re-checks the key in its own statement; a signed
  // integration's deliveries never take it, so its row is not kept.
  if (!row.signing_secret) remember(db, keyHash, row);
  return row;
}

/** Integrations by key hash, as this process last authenticated them: hints only, never trusted. */
const seen = new WeakMap<Db, Map<string, IntegrationRow>>();
const MAX_REMEMBERED = 10_000;

function remember(db: Db, keyHash: string, row: IntegrationRow): void {
  const rows = seen.get(db) ?? new Map<string, IntegrationRow>();
  seen.set(db, rows);
  rows.delete(keyHash);
  if (rows.size >= MAX_REMEMBERED) rows.delete(rows.keys().next().value!);
  rows.set(keyHash, row);
}

/**
 * The integration this process last authenticated with this key (by its hashKey), without asking
 * the database. Only for a write that re-checks the key itself in the same statement (the repeat
 * path): the key may have been revoked since, here or by another Klaxon process.
 */
export function rememberedIntegration(db: Db, kind: IntegrationKind, keyHash: string): IntegrationRow | undefined {
  const row = seen.get(db)?.get(keyHash);
  return row?.kind === kind ? row : undefined;
}

async function lookUp(db: Db, kind: IntegrationKind, secret: string | undefined, wanted: string): Promise<IntegrationRow> {
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
