import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { LayerRow, ScheduleOverrideRow, ScheduleRow } from '../db/schema.js';
import { Errors } from '../errors.js';
import type { Trx } from '../incidents/incident-store.js';
import type { CreateOverrideBody, CreateScheduleBody, ScheduleWire, UpdateScheduleBody } from '../schemas/schedules.js';
import { onCallAt, type Schedule } from './oncall.js';
import { checkTimeZones, lockExisting, stillReferenced } from './references.js';

type Executor = Db | Trx;

export function rowToSchedule(row: ScheduleRow): ScheduleWire {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    timeZone: row.time_zone,
    layers: row.layers,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function rowToOverride(row: ScheduleOverrideRow) {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    userId: row.user_id,
    start: row.starts_at.toISOString(),
    end: row.ends_at.toISOString(),
    createdAt: row.created_at.toISOString(),
  };
}

/** Zones must be known and layer users must exist (locked until commit, see lockExisting). */
async function checkLayers(trx: Trx, timeZone: string | undefined, layers: LayerRow[] | undefined): Promise<void> {
  checkTimeZones([
    { zone: timeZone, path: '/body/timeZone' },
    ...(layers ?? []).map((l, i) => ({ zone: l.timeZone, path: `/body/layers/${i}/timeZone` })),
  ]);
  const refs = (layers ?? []).flatMap((l, i) => l.users.map((id, j) => ({ id, path: `/body/layers/${i}/users/${j}` })));
  await lockExisting(trx, 'users', refs);
}

export async function createSchedule(db: Db, body: CreateScheduleBody): Promise<ScheduleWire> {
  return db.transaction().execute(async (trx) => {
    await checkLayers(trx, body.timeZone, body.layers);
    const row = await trx
      .insertInto('schedules')
      .values({
        name: body.name,
        description: body.description ?? '',
        time_zone: body.timeZone ?? 'UTC',
        layers: JSON.stringify(body.layers ?? []),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return rowToSchedule(row);
  });
}

export async function listSchedules(db: Db): Promise<ScheduleWire[]> {
  return (await db.selectFrom('schedules').selectAll().orderBy('name').orderBy('id').execute()).map(rowToSchedule);
}

async function findRow(db: Executor, id: string): Promise<ScheduleRow> {
  const row = await db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw Errors.scheduleNotFound(`Schedule ${id} does not exist`);
  return row;
}

export async function getSchedule(db: Db, id: string): Promise<ScheduleWire> {
  return rowToSchedule(await findRow(db, id));
}

export async function updateSchedule(db: Db, id: string, body: UpdateScheduleBody): Promise<ScheduleWire> {
  return db.transaction().execute(async (trx) => {
    await checkLayers(trx, body.timeZone, body.layers);
    const row = await trx
      .updateTable('schedules')
      .set({
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.timeZone !== undefined ? { time_zone: body.timeZone } : {}),
        ...(body.layers !== undefined ? { layers: JSON.stringify(body.layers) } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw Errors.scheduleNotFound(`Schedule ${id} does not exist`);
    return rowToSchedule(row);
  });
}

/** Deletes a schedule no escalation policy names (409 otherwise); its overrides go with it. */
export async function deleteSchedule(db: Db, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const schedule = await trx.selectFrom('schedules').select('name').where('id', '=', id).forUpdate().executeTakeFirst();
    if (!schedule) throw Errors.scheduleNotFound(`Schedule ${id} does not exist`);
    const policies = await trx
      .selectFrom('escalation_policies')
      .select('name')
      .where(sql<boolean>`steps @> ${JSON.stringify([{ targets: [{ type: 'schedule', id }] }])}::jsonb`)
      .execute();
    if (policies.length > 0)
      stillReferenced(
        `Schedule "${schedule.name}"`,
        policies.map((p) => `escalation policy "${p.name}"`),
      );
    await trx.deleteFrom('schedules').where('id', '=', id).execute();
  });
}

export async function createOverride(db: Db, scheduleId: string, body: CreateOverrideBody) {
  const start = new Date(body.start);
  const end = new Date(body.end);
  if (end <= start) {
    throw Errors.validation('/body/end must be after /body/start', [{ path: '/body/end', message: 'must be after start' }]);
  }
  return db.transaction().execute(async (trx) => {
    await findRow(trx, scheduleId);
    await lockExisting(trx, 'users', [{ id: body.userId, path: '/body/userId' }]);
    const row = await trx
      .insertInto('schedule_overrides')
      .values({ schedule_id: scheduleId, user_id: body.userId, starts_at: start, ends_at: end })
      .returningAll()
      .executeTakeFirstOrThrow();
    return rowToOverride(row);
  });
}

export async function listOverrides(db: Db, scheduleId: string, includePast: boolean) {
  await findRow(db, scheduleId);
  let q = db.selectFrom('schedule_overrides').selectAll().where('schedule_id', '=', scheduleId);
  if (!includePast) q = q.where('ends_at', '>', new Date());
  return (await q.orderBy('starts_at').orderBy('id').execute()).map(rowToOverride);
}

export async function deleteOverride(db: Db, scheduleId: string, overrideId: string): Promise<void> {
  const r = await db.deleteFrom('schedule_overrides').where('id', '=', overrideId).where('schedule_id', '=', scheduleId).executeTakeFirst();
  if (r.numDeletedRows === 0n) throw Errors.overrideNotFound(`Override ${overrideId} of schedule ${scheduleId} does not exist`);
}

/**
 * Schedules by id with their overrides that end after `from`, as the on-call function takes them.
 * Unknown ids are left out (the planner records such a target as empty).
 */
export async function loadSchedules(db: Executor, ids: string[], from: Date): Promise<Map<string, Schedule & { name: string }>> {
  const out = new Map<string, Schedule & { name: string }>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('schedules').selectAll().where('id', 'in', ids).execute();
  const overrides = await db
    .selectFrom('schedule_overrides')
    .selectAll()
    .where('schedule_id', 'in', ids)
    .where('ends_at', '>', from)
    .execute();
  for (const r of rows) {
    out.set(r.id, {
      id: r.id,
      name: r.name,
      timeZone: r.time_zone,
      layers: r.layers,
      overrides: overrides
        .filter((o) => o.schedule_id === r.id)
        .map((o) => ({ id: o.id, userId: o.user_id, start: o.starts_at, end: o.ends_at })),
    });
  }
  return out;
}

/** GET /v1/schedules/{id}/on-call: who is on call at `at`, with each shift's source and hand-offs. */
export async function onCall(db: Db, id: string, at: Date) {
  await findRow(db, id);
  const schedule = (await loadSchedules(db, [id], at)).get(id)!;
  const result = onCallAt(schedule, at);
  const names = new Map<string, string>();
  const ids = result.shifts.map((s) => s.userId);
  if (ids.length > 0) {
    for (const u of await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute()) names.set(u.id, u.name);
  }
  const name = (uid: string) => names.get(uid) ?? '(deleted user)';
  return {
    scheduleId: id,
    at: at.toISOString(),
    users: result.userIds.map((uid) => ({ id: uid, name: name(uid) })),
    shifts: result.shifts.map((s) => ({
      userId: s.userId,
      userName: name(s.userId),
      source: s.source,
      start: s.start.toISOString(),
      end: s.end?.toISOString() ?? null,
    })),
  };
}
