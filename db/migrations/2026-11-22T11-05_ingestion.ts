import { type Kysely, sql } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('integrations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('alertmanager', 'datadog', 'health', 'heartbeat')`))
    .addColumn('service', 'text')
    .addColumn('grouping_labels', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('severity_rules', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'`))
    .addColumn('promote_after_alerts', 'integer')
    .addColumn('reopen_window_seconds', 'integer', (c) => c.notNull().defaultTo(300))
    .addColumn('signing_secret', 'text')
    .addColumn('heartbeat_interval_seconds', 'integer')
    .addColumn('heartbeat_grace_seconds', 'integer')
    .addColumn('last_beat_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('integration_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('integration_id', 'uuid', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('integration_keys_integration_idx').on('integration_keys').column('integration_id').execute();

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('number', 'bigint', (c) => c.notNull().unique().generatedAlwaysAsIdentity())
    .addColumn('integration_id', 'uuid', (c) => c.notNull().references('integrations.id'))
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('triggered', 'acknowledged', 'investigating', 'identified', 'mitigating', 'resolved')`),
    )
    .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ('SEV1', 'SEV2', 'SEV3', 'SEV4')`))
    .addColumn('severity_reason', 'text', (c) => c.notNull())
    .addColumn('severity_overridden', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('service', 'text')
    .addColumn('alert_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('firing_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('truncated_alerts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The dedup guarantee: at most one unresolved incident per (integration, group key).
  await sql`create unique index incidents_one_open_per_group on incidents (integration_id, group_key) where status <> 'resolved'`.execute(
    db,
  );
  await sql`create index incidents_group_recent on incidents (integration_id, group_key, resolved_at desc)`.execute(db);
  await sql`create index incidents_list on incidents (opened_at desc, id desc)`.execute(db);

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('integration_id', 'uuid', (c) => c.notNull().references('integrations.id'))
    .addColumn('identity', 'text', (c) => c.notNull())
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('incident_id', 'uuid', (c) => c.references('incidents.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('firing', 'resolved', 'suppressed')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('labels', 'jsonb', (c) => c.notNull())
    .addColumn('annotations', 'jsonb', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('severity_reason', 'text', (c) => c.notNull())
    .addColumn('service', 'text')
    .addColumn('url', 'text')
    .addColumn('starts_at', 'timestamptz')
    .addColumn('ends_at', 'timestamptz')
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('receive_count', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('alerts_identity', ['integration_id', 'identity'])
    .execute();
  await db.schema.createIndex('alerts_incident_idx').on('alerts').column('incident_id').execute();

  await db.schema
    .createTable('incident_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('incident_id', 'uuid', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
  await db.schema.createIndex('incident_events_incident_idx').on('incident_events').columns(['incident_id', 'id']).execute();

  await db.schema
    .createTable('silences')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('matchers', 'jsonb', (c) => c.notNull())
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expired_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('integration_id', 'uuid', (c) => c.references('integrations.id').onDelete('cascade'))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'jsonb', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('body_bytes', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deliveries_received_idx').on('deliveries').column('received_at').execute();
  await db.schema.createIndex('deliveries_integration_idx').on('deliveries').columns(['integration_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['deliveries', 'silences', 'incident_events', 'alerts', 'incidents', 'integration_keys', 'integrations']) {
    await db.schema.dropTable(t).execute();
  }
}
