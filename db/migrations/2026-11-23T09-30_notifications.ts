import { type Kysely, sql } from 'kysely';

// Frozen: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // The final list of integration kinds: the drop-in intakes (pagerduty, opsgenie, grafana) and pager callbacks.
  await sql`alter table integrations drop constraint integrations_kind_check`.execute(db);
  await sql`alter table integrations add constraint integrations_kind_check check (kind in
    ('alertmanager', 'datadog', 'health', 'heartbeat', 'pagerduty', 'opsgenie', 'grafana', 'pager'))`.execute(db);

  // The outbox: one row per (incident, cycle, step, target, channel), written in the transaction that
  // decides to notify, sent later by a notification_send job. The unique idempotency key is what makes a
  // page go out once whatever retries, restarts or replicas do.
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('seq', 'bigint', (c) => c.notNull().unique().generatedAlwaysAsIdentity())
    .addColumn('incident_id', 'uuid', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('cycle', 'integer', (c) => c.notNull())
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'chat', 'pager', 'webhook')`))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid')
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('page', 'notify', 'reminder', 'ticket', 'digest')`))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sending', 'sent', 'failed', 'throttled', 'cancelled')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    // Only for channel webhook: what the event is signed with. Never listed, never logged.
    .addColumn('webhook_secret', 'text')
    // A throttled notification names the digest it was folded into.
    .addColumn('digest_id', 'uuid', (c) => c.references('notifications.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('failed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('notifications_incident_idx').on('notifications').columns(['incident_id', 'seq']).execute();
  // The throttle counts a person's recent sends; the digest gathers a person's throttled ones.
  await sql`create index notifications_user_recent on notifications (user_id, claimed_at) where user_id is not null`.execute(db);
  await sql`create index notifications_throttled on notifications (user_id, channel) where status = 'throttled' and digest_id is null`.execute(
    db,
  );

  // What recovery scans after a crash: the few rows not yet settled.
  await sql`create index notifications_unsettled on notifications (claimed_at) where status in ('pending', 'sending')`.execute(db);

  // Every attempt to send, with what came of it: the audit trail behind a notification's status.
  await db.schema
    .createTable('notification_attempts')
    .addColumn('notification_id', 'uuid', (c) => c.notNull().references('notifications.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('sent', 'retryable', 'permanent')`))
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('notification_attempts_pkey', ['notification_id', 'attempt'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_attempts').execute();
  await db.schema.dropTable('notifications').execute();
  await sql`alter table integrations drop constraint integrations_kind_check`.execute(db);
  await sql`alter table integrations add constraint integrations_kind_check check (kind in
    ('alertmanager', 'datadog', 'health', 'heartbeat'))`.execute(db);
}
