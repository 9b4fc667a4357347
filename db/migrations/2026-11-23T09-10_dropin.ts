import { type Kysely, sql } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // The final list of integration kinds, shared by the parallel branches (drop-in intake and pager callbacks).
  await sql`alter table integrations drop constraint if exists integrations_kind_check`.execute(db);
  await sql`alter table integrations add constraint integrations_kind_check check (kind in ('alertmanager', 'datadog', 'health', 'heartbeat', 'pagerduty', 'opsgenie', 'grafana', 'pager'))`.execute(
    db,
  );

  // Opsgenie's API is asynchronous: each accepted request has an id that senders (Zabbix) poll.
  // The delivery that carried the request is its record, so the id lives there.
  await db.schema.alterTable('deliveries').addColumn('request_id', 'uuid').execute();
  await sql`create unique index deliveries_request_idx on deliveries (integration_id, request_id) where request_id is not null`.execute(db);

  // PagerDuty change events (deploys, config changes): kept beside incidents, never opening one.
  await db.schema
    .createTable('change_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('integration_id', 'uuid', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('service', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('happened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('custom_details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('links', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'`))
    .execute();
  await db.schema.createIndex('change_events_recent_idx').on('change_events').columns(['happened_at desc', 'id']).execute();
  await db.schema.createIndex('change_events_integration_idx').on('change_events').columns(['integration_id', 'happened_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('change_events').execute();
  await sql`drop index deliveries_request_idx`.execute(db);
  await db.schema.alterTable('deliveries').dropColumn('request_id').execute();
  await sql`alter table integrations drop constraint integrations_kind_check`.execute(db);
  await sql`alter table integrations add constraint integrations_kind_check check (kind in ('alertmanager', 'datadog', 'health', 'heartbeat'))`.execute(
    db,
  );
}
