/** Changes teams record (deploys, config, feature flags, infrastructure), listed for triage. */
import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { CreateChangeBody } from '../schemas/incident-actions.js';
import { type Change, DEFAULT_LIST_LIMIT, type Page } from '../schemas/incidents.js';
import { CURSOR_TIME_SQL, decodeCursor, encodeCursor } from './cursor.js';
import { rowToChange } from './triage.js';

export async function recordChange(db: Db, body: CreateChangeBody, recordedBy: string, now = new Date()): Promise<Change> {
  const row = await db
    .insertInto('changes')
    .values({
      kind: body.kind,
      service: body.service,
      summary: body.summary,
      link: body.link ?? null,
      author: body.author ?? null,
      at: body.at ? new Date(body.at) : now,
      recorded_by: recordedBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToChange(row);
}

export interface ChangeFilters {
  service?: string;
  kind?: Change['kind'];
  after?: string;
  before?: string;
  limit?: number;
  cursor?: string;
}

/** Newest first, keyset-paginated. */
export async function listChanges(db: Db, f: ChangeFilters): Promise<Page<Change>> {
  const limit = f.limit ?? DEFAULT_LIST_LIMIT;
  let q = db
    .selectFrom('changes')
    .selectAll()
    .select(sql<string>`to_char(at at time zone 'UTC', ${sql.raw(CURSOR_TIME_SQL)})`.as('cursor_at'))
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (f.service !== undefined) q = q.where('service', '=', f.service);
  if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
  if (f.after) q = q.where('at', '>=', new Date(f.after));
  if (f.before) q = q.where('at', '<', new Date(f.before));
  if (f.cursor !== undefined) {
    const c = decodeCursor(f.cursor, { at: 'time', id: 'uuid' });
    q = q.where(sql<boolean>`(at, id) < (${c.at}::timestamptz, ${c.id}::uuid)`);
  }
  const rows = await q.execute();
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items: rows.slice(0, limit).map(rowToChange), nextCursor: last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null };
}
