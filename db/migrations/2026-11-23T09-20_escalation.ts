import { type Kysely, sql } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('chat_handle', 'text')
    .addColumn('pager_address', 'text')
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Layers (ordered users, rotation, hand-off, time zone) are one JSON document per schedule:
  // always read and written whole. The users they name are checked by the application under a
  // key-share lock on each user row, so a concurrent user deletion cannot slip past.
  await db.schema
    .createTable('schedules')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('layers', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Overrides reference their user with a plain foreign key: a user with an override cannot be deleted.
  await db.schema
    .createTable('schedule_overrides')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('schedule_id', 'uuid', (c) => c.notNull().references('schedules.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('schedule_overrides_span', sql`ends_at > starts_at`)
    .execute();
  await db.schema.createIndex('schedule_overrides_schedule_idx').on('schedule_overrides').columns(['schedule_id', 'ends_at']).execute();
  await db.schema.createIndex('schedule_overrides_user_idx').on('schedule_overrides').column('user_id').execute();

  // An empty list in a match column means "any". Steps (delay + targets) are one JSON document.
  await db.schema
    .createTable('escalation_policies')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('match_severities', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('match_services', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('match_integrations', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('steps', 'jsonb', (c) => c.notNull())
    .addColumn('repeat', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('repeat_delay_seconds', 'integer', (c) => c.notNull().defaultTo(300))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Where each incident's escalation stands: the one row every Klaxon process agrees on. The
  // pending (cycle, step) is the next to fire at next_at; a timer job whose payload names another
  // (cycle, step) is stale and does nothing. `cycle` only grows (each repeat, re-plan or reopen
  // starts a new one: it keys notifications); `round` counts the policy's repeats in this plan.
  await db.schema
    .createTable('incident_escalations')
    .addColumn('incident_id', 'uuid', (c) => c.primaryKey().references('incidents.id').onDelete('cascade'))
    .addColumn('policy_id', 'uuid', (c) => c.references('escalation_policies.id').onDelete('set null'))
    .addColumn('cycle', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('round', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('next_at', 'timestamptz')
    .addColumn('last_fired_cycle', 'integer')
    .addColumn('last_fired_step', 'integer')
    .addColumn('last_fired_at', 'timestamptz')
    .addColumn('stopped_at', 'timestamptz')
    .addColumn('stop_reason', 'text')
    // The status-update reminder: its pending sequence number (keys its notifications) and when it is due.
    .addColumn('reminder_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reminder_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await seedDefaults(db);
}

/**
 * The seeds' defaults, editable afterwards: two empty schedules stand for "the on-call engineer" and
 * "the engineering manager" until people are added; a target that resolves to nobody is recorded on
 * the incident's timeline, not an error. The SEV4 ticket webhook has no URL until one is set.
 */
async function seedDefaults(db: Kysely<any>): Promise<void> {
  const onCall = await db
    .insertInto('schedules')
    .values({ name: 'On-call engineer', description: 'Default: the on-call engineer. Add a layer with your rotation.' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const managers = await db
    .insertInto('schedules')
    .values({ name: 'Engineering manager', description: 'Default: the engineering manager on duty. Add a layer.' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const oncall = (purpose: string) => ({ type: 'schedule', id: onCall.id, purpose });
  const manager = (purpose: string) => ({ type: 'schedule', id: managers.id, purpose });
  const chat = (channel: string) => ({ type: 'chat', channel });
  const policies = [
    {
      name: 'Default SEV1: page on-call and engineering manager, re-page until acknowledged',
      match_severities: sql`'{SEV1}'::text[]`,
      steps: [
        { delaySeconds: 0, targets: [oncall('page'), manager('page'), chat('#incidents')] },
        { delaySeconds: 300, targets: [oncall('page'), manager('page')] },
      ],
      repeat: 23,
      repeat_delay_seconds: 300,
    },
    {
      name: 'Default SEV2: page on-call, notify engineering manager',
      match_severities: sql`'{SEV2}'::text[]`,
      steps: [{ delaySeconds: 0, targets: [oncall('page'), manager('notify'), chat('#incidents')] }],
      repeat: 2,
      repeat_delay_seconds: 900,
    },
    {
      name: 'Default SEV3: notify on-call in chat',
      match_severities: sql`'{SEV3}'::text[]`,
      steps: [{ delaySeconds: 0, targets: [chat('#incidents-low')] }],
      repeat: 0,
      repeat_delay_seconds: 3600,
    },
    {
      name: 'Default SEV4: create a ticket',
      match_severities: sql`'{SEV4}'::text[]`,
      steps: [{ delaySeconds: 0, targets: [{ type: 'webhook', url: null, purpose: 'ticket' }, chat('#incidents-low')] }],
      repeat: 0,
      repeat_delay_seconds: 14400,
    },
  ];
  for (const p of policies) {
    await db
      .insertInto('escalation_policies')
      .values({ ...p, steps: JSON.stringify(p.steps) })
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('incident_escalations').execute();
  await db.schema.dropTable('escalation_policies').execute();
  await db.schema.dropTable('schedule_overrides').execute();
  await db.schema.dropTable('schedules').execute();
  await db.schema.dropTable('users').execute();
}
