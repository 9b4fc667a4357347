import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { Errors, type FieldError } from '../errors.js';
import type { Trx } from '../incidents/incident-store.js';
import { isTimeZone } from './zoned-time.js';

type Executor = Db | Trx;

/**
 * Checks that referenced rows exist and holds a key-share lock on each until the transaction ends,
 * so a concurrent delete waits for it and then sees the reference (and refuses). Unknown ids are
 * a 422 naming each path.
 */
export async function lockExisting(trx: Executor, table: 'users' | 'schedules', refs: { id: string; path: string }[]): Promise<void> {
  if (refs.length === 0) return;
  const ids = [...new Set(refs.map((r) => r.id))].sort();
  const { rows } = await sql<{
    id: string;
  }>`select id from ${sql.table(table)} where id = any(${ids}::uuid[]) order by id for key share`.execute(trx);
  const found = new Set(rows.map((r) => r.id));
  const missing: FieldError[] = refs
    .filter((r) => !found.has(r.id))
    .map((r) => ({ path: r.path, message: `no ${table.slice(0, -1)} ${r.id}` }));
  if (missing.length > 0) throw Errors.unknownReference(missing.map((e) => `${e.path}: ${e.message}`).join('; '), missing);
}

/** Integrations named by a policy's match must exist (and not be deleted). */
export async function checkIntegrations(trx: Executor, refs: { id: string; path: string }[]): Promise<void> {
  if (refs.length === 0) return;
  const rows = await trx
    .selectFrom('integrations')
    .select('id')
    .where(
      'id',
      'in',
      refs.map((r) => r.id),
    )
    .where('deleted_at', 'is', null)
    .execute();
  const found = new Set(rows.map((r) => r.id));
  const missing: FieldError[] = refs.filter((r) => !found.has(r.id)).map((r) => ({ path: r.path, message: `no integration ${r.id}` }));
  if (missing.length > 0) throw Errors.unknownReference(missing.map((e) => `${e.path}: ${e.message}`).join('; '), missing);
}

/** Time zone names Node does not know are a 400 with their paths. */
export function checkTimeZones(zones: { zone: string | undefined; path: string }[]): void {
  const bad: FieldError[] = zones
    .filter((z) => z.zone !== undefined && !isTimeZone(z.zone))
    .map((z) => ({ path: z.path, message: `unknown time zone ${JSON.stringify(z.zone)}` }));
  if (bad.length > 0) throw Errors.validation(bad.map((e) => `${e.path} ${e.message}`).join('; '), bad);
}

/** 409: `what` is still named by these (a short list of names). */
export function stillReferenced(what: string, by: string[]): never {
  const list = by.slice(0, 10).join(', ') + (by.length > 10 ? `, and ${by.length - 10} more` : '');
  throw Errors.stillReferenced(`${what} is still used by ${list}; remove it there first`);
}
