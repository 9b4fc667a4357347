import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { UserRow } from '../db/schema.js';
import { Errors } from '../errors.js';
import type { CreateUserBody, UpdateUserBody, User } from '../schemas/users.js';
import { checkTimeZones, stillReferenced } from './references.js';

export function rowToUser(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    chatHandle: row.chat_handle,
    pagerAddress: row.pager_address,
    timeZone: row.time_zone,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function createUser(db: Db, body: CreateUserBody): Promise<User> {
  checkTimeZones([{ zone: body.timeZone, path: '/body/timeZone' }]);
  const row = await db
    .insertInto('users')
    .values({
      name: body.name,
      email: body.email ?? null,
      chat_handle: body.chatHandle ?? null,
      pager_address: body.pagerAddress ?? null,
      time_zone: body.timeZone ?? 'UTC',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToUser(row);
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.selectFrom('users').selectAll().orderBy('name').orderBy('id').execute()).map(rowToUser);
}

export async function getUser(db: Db, id: string): Promise<User> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw Errors.userNotFound(`User ${id} does not exist`);
  return rowToUser(row);
}

export async function updateUser(db: Db, id: string, body: UpdateUserBody): Promise<User> {
  checkTimeZones([{ zone: body.timeZone, path: '/body/timeZone' }]);
  const row = await db
    .updateTable('users')
    .set({
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.email !== undefined ? { email: body.email } : {}),
      ...(body.chatHandle !== undefined ? { chat_handle: body.chatHandle } : {}),
      ...(body.pagerAddress !== undefined ? { pager_address: body.pagerAddress } : {}),
      ...(body.timeZone !== undefined ? { time_zone: body.timeZone } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw Errors.userNotFound(`User ${id} does not exist`);
  return rowToUser(row);
}

/**
 * Deletes a user no schedule layer, current or future override, or policy names (409 otherwise:
 * a page must never silently lose its target). Overrides that have ended go with the user.
 */
export async function deleteUser(db: Db, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select('name').where('id', '=', id).forUpdate().executeTakeFirst();
    if (!user) throw Errors.userNotFound(`User ${id} does not exist`);
    const schedules = await trx
      .selectFrom('schedules')
      .select('name')
      .where(sql<boolean>`layers @> ${JSON.stringify([{ users: [id] }])}::jsonb`)
      .execute();
    const overrides = await trx
      .selectFrom('schedule_overrides')
      .innerJoin('schedules', 'schedules.id', 'schedule_overrides.schedule_id')
      .select('schedules.name')
      .where('user_id', '=', id)
      .where('ends_at', '>', new Date())
      .execute();
    const policies = await trx
      .selectFrom('escalation_policies')
      .select('name')
      .where(sql<boolean>`steps @> ${JSON.stringify([{ targets: [{ type: 'user', id }] }])}::jsonb`)
      .execute();
    const by = [
      ...schedules.map((s) => `schedule "${s.name}"`),
      ...overrides.map((s) => `an override in schedule "${s.name}"`),
      ...policies.map((p) => `escalation policy "${p.name}"`),
    ];
    if (by.length > 0) stillReferenced(`User "${user.name}"`, by);
    await trx.deleteFrom('schedule_overrides').where('user_id', '=', id).execute();
    await trx.deleteFrom('users').where('id', '=', id).execute();
  });
}
