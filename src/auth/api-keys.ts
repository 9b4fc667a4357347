import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { ApiKeyRow } from '../db/schema.js';
import { Errors } from '../errors.js';
import type { ApiKey, Role } from '../schemas/api-keys.js';

/** Roles in increasing power: a key satisfies every role up to its own. */
const RANK: Record<Role, number> = { viewer: 1, responder: 2, admin: 3 };

export function roleSatisfies(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

/**
 * Keys are 256 random bits, so a plain SHA-256 is the right storage hash: lookups
 * by hash are exact, and nothing slow is needed against guessing.
 */
export function hashKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function generateKey(prefix = 'klx_'): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function rowToApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.key_prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/**
 * Stores a key. A generated key keeps its first 12 characters (`klx_` and 8 random
 * ones) so a person can recognise it in a listing; a secret a person chose
 * (KLAXON_ADMIN_KEY) keeps none, since any part of it may be all of its strength.
 */
export async function createApiKey(db: Db, input: { name: string; role: Role }, chosen?: string) {
  const secret = chosen ?? generateKey();
  const row = await db
    .insertInto('api_keys')
    .values({ name: input.name, role: input.role, key_hash: hashKey(secret), key_prefix: chosen === undefined ? secret.slice(0, 12) : '' })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...rowToApiKey(row), key: secret };
}

export async function listApiKeys(db: Db, includeRevoked: boolean): Promise<ApiKey[]> {
  let q = db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').orderBy('id');
  if (!includeRevoked) q = q.where('revoked_at', 'is', null);
  return (await q.execute()).map(rowToApiKey);
}

/** Revokes a key; refuses to revoke the last active admin key (that would lock everyone out). */
export async function revokeApiKey(db: Db, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('klaxon:admin-keys'))`.execute(trx);
    const key = await trx.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!key) throw Errors.apiKeyNotFound(`API key ${id} does not exist`);
    if (key.revoked_at) return;
    if (key.role === 'admin') {
      const others = await trx
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .where('revoked_at', 'is', null)
        .where('id', '!=', id)
        .executeTakeFirstOrThrow();
      if (others.n === 0) throw Errors.lastAdminKey('Refusing to revoke the last active admin key: nobody could manage keys afterwards');
    }
    await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).execute();
  });
}

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
}

/** Finds the active key for a secret; records last use at most once a minute, in the same round trip. */
export async function authenticate(db: Db, secret: string): Promise<Principal | undefined> {
  const { rows } = await sql<{ id: string; name: string; role: Role }>`
    with k as (
      select id, name, role, last_used_at from api_keys
      where key_hash = ${hashKey(secret)} and revoked_at is null
    ), touched as (
      update api_keys set last_used_at = now()
      where id in (select id from k where last_used_at is null or last_used_at < now() - interval '1 minute')
    )
    select id, name, role from k`.execute(db);
  const row = rows[0];
  return row && { keyId: row.id, name: row.name, role: row.role };
}

/**
 * Start-up guarantee of an admin key. With a configured secret, makes sure a key
 * with that secret exists. Without one, creates an admin key when no active one
 * exists and returns its secret so the caller can print it once.
 */
export async function ensureAdminKey(db: Db, configured?: string): Promise<{ createdSecret?: string; revoked?: boolean }> {
  return db.transaction().execute(async (trx) => {
    // Several processes may start at once on one database: one of them decides.
    await sql`select pg_advisory_xact_lock(hashtext('klaxon:admin-keys'))`.execute(trx);
    if (configured) {
      const existing = await trx
        .selectFrom('api_keys')
        .select(['revoked_at'])
        .where('key_hash', '=', hashKey(configured))
        .executeTakeFirst();
      if (existing) return { revoked: existing.revoked_at !== null };
      await createApiKey(trx, { name: 'admin (KLAXON_ADMIN_KEY)', role: 'admin' }, configured);
      return {};
    }
    const active = await trx
      .selectFrom('api_keys')
      .select('id')
      .where('role', '=', 'admin')
      .where('revoked_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    if (active) return {};
    const created = await createApiKey(trx, { name: 'admin (created at first start)', role: 'admin' });
    return { createdSecret: created.key };
  });
}
