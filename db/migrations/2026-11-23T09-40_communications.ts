import { type Kysely, sql } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('incidents')
    // The last status update posted (the next is due by the severity's cadence after it).
    .addColumn('last_update_at', 'timestamptz')
    // The first public update: the status page has been updated.
    .addColumn('public_update_at', 'timestamptz')
    // An update said "resolved": the all-clear has been communicated.
    .addColumn('all_clear_at', 'timestamptz')
    // The title the public sees (a responder's words; the incident's own title may be an alert name).
    .addColumn('public_title', 'text')
    .execute();

  // What the status page shows: only what responders published, in a table of its own, so the
  // page reads nothing else of an incident's updates.
  await db.schema
    .createTable('public_updates')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('incident_id', 'uuid', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('triggered', 'acknowledged', 'investigating', 'identified', 'mitigating', 'resolved')`),
    )
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('posted_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index public_updates_incident on public_updates (incident_id, posted_at desc, id desc)`.execute(db);
  await sql`create index incidents_public on incidents (resolved_at desc) where public_update_at is not null or severity in ('SEV1', 'SEV2')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index incidents_public`.execute(db);
  await db.schema.dropTable('public_updates').execute();
  await db.schema
    .alterTable('incidents')
    .dropColumn('last_update_at')
    .dropColumn('public_update_at')
    .dropColumn('all_clear_at')
    .dropColumn('public_title')
    .execute();
}
