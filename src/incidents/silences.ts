/**
 * Silences, as Alertmanager has them: a set of label matchers and a time window.
 * A firing alert whose labels match every matcher of an active silence is
 * recorded as suppressed instead of opening or joining an incident.
 *
 * Status is never stored; it follows from the clock: pending before starts_at,
 * active until ends_at, expired after it — or once expired_at is set (DELETE).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../db/client.js';
import type { Database, MatcherRow, SilenceRow } from '../db/schema.js';
import { Errors, type FieldError } from '../errors.js';
import type { CreateSilenceBody, Silence, SilenceStateFilter, SilenceStatus } from '../schemas/silences.js';
import { type CompiledMatcher, compileMatchers, type Matcher, normalizeMatchers, validateMatchers } from './matchers.js';

/** A silence in force, its matchers compiled once per load for the ingestion engine. */
export interface ActiveSilence {
  id: string;
  endsAt: Date;
  test: CompiledMatcher;
}

export function silenceStatus(row: Pick<SilenceRow, 'starts_at' | 'ends_at' | 'expired_at'>, now: Date): SilenceStatus {
  if (row.expired_at !== null || row.ends_at <= now) return 'expired';
  return row.starts_at > now ? 'pending' : 'active';
}

export function rowToSilence(row: SilenceRow, now: Date): Silence {
  return {
    id: row.id,
    matchers: row.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual })),
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    comment: row.comment,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    status: silenceStatus(row, now),
  };
}

/** True when the matcher matches an alert that lacks its label (`a=""`, `a=~".*"`, `a!="x"`, …). */
function matchesEmpty(m: Matcher): boolean {
  return compileMatchers([m])({});
}

function windowErrors(startsAt: Date, endsAt: Date, now: Date): FieldError[] {
  // The date-time format admits values a Date cannot hold (a leap second, for one).
  if (Number.isNaN(startsAt.getTime())) return [{ path: '/body/startsAt', message: 'is not a representable time' }];
  if (Number.isNaN(endsAt.getTime())) return [{ path: '/body/endsAt', message: 'is not a representable time' }];
  if (endsAt <= startsAt) return [{ path: '/body/endsAt', message: 'must be after startsAt' }];
  if (endsAt <= now) return [{ path: '/body/endsAt', message: 'must be in the future' }];
  return [];
}

/**
 * Validates and stores a silence. A start in the past is moved to `now`, as in
 * Alertmanager: a silence cannot retroactively suppress what was already received.
 * Field errors carry paths under /body so the route can pass them through.
 */
export async function createSilence(db: Db, input: CreateSilenceBody, createdBy: string, now = new Date()): Promise<Silence> {
  // Strings arrive well-formed: the API's JSON parser (plugins/json-body.ts) replaces lone surrogates.
  const matchers: Matcher[] = normalizeMatchers(input.matchers);
  const requestedStart = input.startsAt === undefined ? now : new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);

  const errors: FieldError[] = validateMatchers(matchers, '/body/matchers');
  if (errors.length === 0 && matchers.every(matchesEmpty)) {
    errors.push({
      path: '/body/matchers',
      message: 'at least one matcher must not match the empty string, or the silence would mute every alert',
    });
  }
  errors.push(...windowErrors(requestedStart, endsAt, now));
  if (errors.length > 0) throw Errors.validation(errors.map((e) => `${e.path} ${e.message}`).join('; '), errors);

  const row = await db
    .insertInto('silences')
    .values({
      matchers: JSON.stringify(matchers),
      starts_at: requestedStart < now ? now : requestedStart,
      ends_at: endsAt,
      comment: input.comment,
      created_by: createdBy,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToSilence(row, now);
}

export interface SilenceFilter {
  /** Defaults to 'unexpired' (active and pending). */
  state?: SilenceStateFilter;
}

const STATUS_ORDER: Record<SilenceStatus, number> = { active: 0, pending: 1, expired: 2 };

/**
 * Alertmanager's order: active ones ending soonest first, then pending ones
 * starting soonest, then expired ones most recently ended; id breaks ties.
 */
function compareSilences(a: Silence, b: Silence): number {
  if (a.status !== b.status) return STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
  const key = (s: Silence) => Date.parse(s.status === 'pending' ? s.startsAt : s.endsAt);
  const diff = a.status === 'expired' ? key(b) - key(a) : key(a) - key(b);
  return diff !== 0 ? diff : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Silences in the given state at `now`, in Alertmanager's display order. */
export async function listSilences(db: Db, filter: SilenceFilter, now: Date): Promise<Silence[]> {
  const state = filter.state ?? 'unexpired';
  let q = db.selectFrom('silences').selectAll();
  if (state === 'expired') {
    q = q.where((eb) => eb.or([eb('expired_at', 'is not', null), eb('ends_at', '<=', now)]));
  } else if (state !== 'all') {
    q = q.where('expired_at', 'is', null).where('ends_at', '>', now);
    if (state === 'active') q = q.where('starts_at', '<=', now);
    if (state === 'pending') q = q.where('starts_at', '>', now);
  }
  const rows = await q.execute();
  return rows.map((row) => rowToSilence(row, now)).sort(compareSilences);
}

export async function getSilence(db: Db, id: string, now: Date): Promise<Silence> {
  const row = await db.selectFrom('silences').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw Errors.silenceNotFound(`Silence ${id} does not exist`);
  return rowToSilence(row, now);
}

/**
 * Expires a silence now (what DELETE means, as in Alertmanager: the record stays
 * for the audit trail). A pending silence also gets starts_at = now so the window
 * stays well-formed. Expiring an expired silence changes nothing; unknown ids are 404.
 */
export async function expireSilence(db: Db, id: string, now: Date): Promise<void> {
  // One conditional UPDATE, so two concurrent expiries cannot both move ends_at.
  const updated = await db
    .updateTable('silences')
    .set((eb) => ({
      expired_at: now,
      ends_at: now,
      starts_at: eb.fn<Date>('least', [eb.ref('starts_at'), eb.val(now)]),
    }))
    .where('id', '=', id)
    .where('expired_at', 'is', null)
    .where('ends_at', '>', now)
    .returning('id')
    .executeTakeFirst();
  if (updated) return;
  const exists = await db.selectFrom('silences').select('id').where('id', '=', id).executeTakeFirst();
  if (!exists) throw Errors.silenceNotFound(`Silence ${id} does not exist`);
}

/**
 * The silences in force at `now`, oldest first, with matchers compiled once.
 * Call inside the ingestion transaction so a delivery sees one consistent set.
 */
export async function loadActiveSilences(executor: Kysely<Database> | Transaction<Database>, now: Date): Promise<ActiveSilence[]> {
  return compileSilences(await activeSilencesQuery(executor, now).execute());
}

/** The query loadActiveSilences runs, for a statement that reads more (the open path's gather). */
export function activeSilencesQuery(executor: Kysely<Database> | Transaction<Database>, now: Date) {
  return executor
    .selectFrom('silences')
    .select(['id', 'matchers', 'ends_at'])
    .where('expired_at', 'is', null)
    .where('starts_at', '<=', now)
    .where('ends_at', '>', now)
    .orderBy('created_at')
    .orderBy('id');
}

/** Silence rows (in order) with their matchers compiled; a row that does not compile is left out. */
export function compileSilences(rows: { id: string; matchers: MatcherRow[]; ends_at: Date }[]): ActiveSilence[] {
  const active: ActiveSilence[] = [];
  for (const row of rows) {
    const test = tryCompile(row.matchers);
    if (test) active.push({ id: row.id, endsAt: row.ends_at, test });
  }
  return active;
}

/**
 * A stored regex that no longer compiles (say, after a runtime upgrade) must not
 * stop ingestion: that silence is skipped, so its alerts page rather than vanish.
 */
function tryCompile(matchers: MatcherRow[]): CompiledMatcher | undefined {
  try {
    return compileMatchers(matchers);
  } catch {
    return undefined;
  }
}

/** The id of the first active silence matching the labels, or undefined. */
export function silencedBy(silences: readonly ActiveSilence[], labels: Readonly<Record<string, string>>): string | undefined {
  return silences.find((s) => s.test(labels))?.id;
}
