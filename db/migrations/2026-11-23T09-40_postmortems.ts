import { type Kysely, sql } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // One post-mortem per incident: a draft pre-filled from the incident, edited, then published.
  await db.schema
    .createTable('postmortems')
    .addColumn('incident_id', 'uuid', (c) => c.primaryKey().references('incidents.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'published')`))
    // { summary, impact, rootCause, contributingFactors[], wentWell[], couldImprove[], fiveWhys[{question, answer}], lessons[], timeline[] }
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('action_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('incident_id', 'uuid', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('due_date', 'date', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull().check(sql`priority in ('high', 'medium', 'low')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'in_progress', 'done')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index action_items_incident on action_items (incident_id, created_at)`.execute(db);
  await sql`create index action_items_open on action_items (status, due_date, id)`.execute(db);

  // What the checklist observes: a post-mortem scheduled, action items created.
  await db.schema.alterTable('incidents').addColumn('postmortem_at', 'timestamptz').addColumn('action_items_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('incidents').dropColumn('postmortem_at').dropColumn('action_items_at').execute();
  await db.schema.dropTable('action_items').execute();
  await db.schema.dropTable('postmortems').execute();
}
