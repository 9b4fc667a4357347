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
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index deliveries_request_idx`.execute(db);
  await db.schema.alterTable('deliveries').dropColumn('request_id').execute();
  await sql`alter table integrations drop constraint integrations_kind_check`.execute(db);
  await sql`alter table integrations add constraint integrations_kind_check check (kind in ('alertmanager', 'datadog', 'health', 'heartbeat'))`.execute(
    db,
  );
}
