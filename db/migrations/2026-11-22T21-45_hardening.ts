import { type Kysely, sql } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A key a person chose shows no part of itself in listings (generated keys keep their prefix).
  await sql`update api_keys set key_prefix = '' where name = 'admin (KLAXON_ADMIN_KEY)'`.execute(db);

  // A health integration may pin the body format it receives instead of having it guessed.
  await db.schema
    .alterTable('integrations')
    .addColumn('format', 'text', (c) =>
      c.notNull().defaultTo('auto').check(sql`format in ('auto', 'generic', 'uptime-kuma', 'healthchecks', 'gatus')`),
    )
    .execute();

  // Alert severities hold the same four values as incidents'.
  await sql`alter table alerts add constraint alerts_severity_check check (severity in ('SEV1', 'SEV2', 'SEV3', 'SEV4'))`.execute(db);

  // When the alert's current firing began: the source's start time, else the arrival of the
  // delivery that fired it. A resolve reported at or before it is about an earlier firing.
  await db.schema.alterTable('alerts').addColumn('fired_at', 'timestamptz').execute();
  await sql`update alerts set fired_at = coalesce(starts_at, first_seen_at) where status = 'firing'`.execute(db);

  // Signatures already accepted, so a replay inside the tolerance window changes nothing.
  // Shared through the database so every replica sees them; pruned once they expire.
  await db.schema
    .createTable('webhook_signatures')
    .addColumn('integration_id', 'uuid', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('mac', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_signatures_pkey', ['integration_id', 'mac'])
    .execute();
  await db.schema.createIndex('webhook_signatures_expires_idx').on('webhook_signatures').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_signatures').execute();
  await db.schema.alterTable('alerts').dropColumn('fired_at').execute();
  await sql`alter table alerts drop constraint alerts_severity_check`.execute(db);
  await db.schema.alterTable('integrations').dropColumn('format').execute();
}
