import { type Kysely, sql } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Incidents declared by a person have no integration.
  await sql`alter table incidents alter column integration_id drop not null`.execute(db);
  await db.schema
    .alterTable('incidents')
    .addColumn('summary', 'text')
    .addColumn('impact', 'text')
    .addColumn('declared', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('acknowledged_at', 'timestamptz')
    // { commander?: { name, apiKeyId? }, scribe?: …, communications?: … }
    .addColumn('roles', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // Items a responder ticked: { "<item>": { done, at, by } }
    .addColumn('checklist', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // The ETag: every update of the row bumps it, whoever writes it (the trigger below).
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await sql`
    create function incidents_bump_version() returns trigger language plpgsql as $$
    begin
      new.version := old.version + 1;
      return new;
    end $$`.execute(db);
  await sql`create trigger incidents_version before update on incidents for each row execute function incidents_bump_version()`.execute(db);
  await sql`create index incidents_service_opened on incidents (service, opened_at desc)`.execute(db);
  await sql`create index incidents_commander on incidents ((roles -> 'commander' ->> 'name'))`.execute(db);

  // Who caused each timeline event: an API key's holder, an integration, or Klaxon itself.
  await db.schema
    .alterTable('incident_events')
    .addColumn('actor_type', 'text', (c) => c.notNull().defaultTo('klaxon').check(sql`actor_type in ('api_key', 'integration', 'klaxon')`))
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .execute();
  await sql`create index incident_events_incident on incident_events (incident_id, id)`.execute(db);
  // Each event kind now has a fixed data shape: fill what earlier events lacked.
  await sql`update incident_events set data = data || '{"cause":"alerts","firingAlerts":0,"message":null}' where kind = 'resolved'`.execute(
    db,
  );
  await sql`update incident_events set data = data || '{"cause":"alert","message":null}' where kind = 'reopened'`.execute(db);
  await sql`update incident_events set data = data || jsonb_build_object('reason', message, 'overridden', false) where kind = 'severity_changed'`.execute(
    db,
  );

  // Changes (deploys, config changes, feature flags, infrastructure) for triage: "what changed recently?"
  await db.schema
    .createTable('changes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('deploy', 'config', 'feature_flag', 'infrastructure')`))
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('author', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index changes_service_at on changes (service, at desc, id desc)`.execute(db);
  await sql`create index changes_at on changes (at desc, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('changes').execute();
  await sql`drop index incident_events_incident`.execute(db);
  await db.schema.alterTable('incident_events').dropColumn('actor_type').dropColumn('actor_id').dropColumn('actor_name').execute();
  await sql`drop trigger incidents_version on incidents`.execute(db);
  await sql`drop function incidents_bump_version()`.execute(db);
  await sql`drop index incidents_service_opened`.execute(db);
  await sql`drop index incidents_commander`.execute(db);
  await db.schema
    .alterTable('incidents')
    .dropColumn('summary')
    .dropColumn('impact')
    .dropColumn('declared')
    .dropColumn('acknowledged_at')
    .dropColumn('roles')
    .dropColumn('checklist')
    .dropColumn('version')
    .execute();
  await sql`alter table incidents alter column integration_id set not null`.execute(db);
}
