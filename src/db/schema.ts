import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type {
  ActionItemPriority,
  ActionItemStatus,
  ActorType,
  AlertStatus,
  ChangeKind,
  EventKind,
  HealthFormat,
  IncidentRole,
  IncidentStatus,
  IntegrationKind,
  NotificationChannel,
  NotificationPurpose,
  NotificationStatus,
  PostmortemStatus,
  Role,
  Severity,
} from '../vocabulary.js';

export type { HealthFormat, IncidentStatus, IntegrationKind };

/** Table types as PostgreSQL stores them (snake_case); mappers turn rows into wire objects. */
export interface Database {
  api_keys: ApiKeysTable;
  integrations: IntegrationsTable;
  integration_keys: IntegrationKeysTable;
  incidents: IncidentsTable;
  alerts: AlertsTable;
  incident_events: IncidentEventsTable;
  public_updates: PublicUpdatesTable;
  postmortems: PostmortemsTable;
  action_items: ActionItemsTable;
  silences: SilencesTable;
  deliveries: DeliveriesTable;
  webhook_signatures: WebhookSignaturesTable;
  changes: ChangesTable;
  notifications: NotificationsTable;
  notification_attempts: NotificationAttemptsTable;
  users: UsersTable;
  schedules: SchedulesTable;
  schedule_overrides: ScheduleOverridesTable;
  escalation_policies: EscalationPoliciesTable;
  incident_escalations: IncidentEscalationsTable;
}

type DefaultNow = ColumnType<Date, Date | undefined, Date>;
type Json<T> = ColumnType<T, string, string>;

export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  role: Role;
  key_hash: string;
  key_prefix: string;
  created_at: ColumnType<Date, Date | undefined, never>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}
export type ApiKeyRow = Selectable<ApiKeysTable>;

/** A per-integration severity rule, stored as JSON (see incidents/severity.ts). */
export interface SeverityRuleRow {
  matchers: MatcherRow[];
  severity: Severity;
  name?: string;
}
export interface MatcherRow {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface IntegrationsTable {
  id: Generated<string>;
  name: string;
  kind: IntegrationKind;
  service: string | null;
  grouping_labels: ColumnType<string[], string[] | undefined, string[]>;
  severity_rules: Json<SeverityRuleRow[]>;
  promote_after_alerts: number | null;
  reopen_window_seconds: ColumnType<number, number | undefined, number>;
  signing_secret: string | null;
  heartbeat_interval_seconds: number | null;
  heartbeat_grace_seconds: number | null;
  last_beat_at: Date | null;
  format: ColumnType<HealthFormat, HealthFormat | undefined, HealthFormat>;
  created_at: DefaultNow;
  updated_at: DefaultNow;
  deleted_at: Date | null;
}
export type IntegrationRow = Selectable<IntegrationsTable>;

export interface IntegrationKeysTable {
  id: Generated<string>;
  integration_id: string;
  key_hash: string;
  key_prefix: string;
  created_at: DefaultNow;
  expires_at: Date | null;
}

export interface IncidentsTable {
  id: Generated<string>;
  number: ColumnType<number, never, never>;
  /** null for an incident a person declared. */
  integration_id: string | null;
  group_key: string;
  title: string;
  status: IncidentStatus;
  severity: Severity;
  severity_reason: string;
  severity_overridden: ColumnType<boolean, boolean | undefined, boolean>;
  service: string | null;
  alert_count: ColumnType<number, number | undefined, number>;
  firing_count: ColumnType<number, number | undefined, number>;
  truncated_alerts: ColumnType<number, number | undefined, number>;
  reopen_count: ColumnType<number, number | undefined, number>;
  opened_at: DefaultNow;
  resolved_at: Date | null;
  updated_at: DefaultNow;
  summary: string | null;
  impact: string | null;
  declared: ColumnType<boolean, boolean | undefined, boolean>;
  acknowledged_at: Date | null;
  roles: ColumnType<RoleHolders, string | undefined, string>;
  checklist: ColumnType<ChecklistTicks, string | undefined, string>;
  /** Bumped by a trigger on every update: the incident's ETag. */
  version: ColumnType<number, never, never>;
  /** The last status update posted (docs/communications.md). */
  last_update_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The first public update: the status page shows it. */
  public_update_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** An update said "resolved": the all-clear was communicated. */
  all_clear_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The title the public sees, when a responder gave one. */
  public_title: ColumnType<string | null, string | null | undefined, string | null>;
  /** A post-mortem was created (scheduled). */
  postmortem_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The first action item was created. */
  action_items_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
export type IncidentRow = Selectable<IncidentsTable>;

export type AlertRowStatus = AlertStatus;

export interface AlertsTable {
  id: Generated<string>;
  integration_id: string;
  identity: string;
  group_key: string;
  incident_id: string | null;
  status: AlertRowStatus;
  title: string;
  labels: Json<Record<string, string>>;
  annotations: Json<Record<string, string>>;
  severity: Severity;
  severity_reason: string;
  service: string | null;
  url: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  /** When the current firing began (source's start, else arrival); null unless firing. */
  fired_at: Date | null;
  first_seen_at: DefaultNow;
  last_seen_at: DefaultNow;
  receive_count: ColumnType<number, number | undefined, number>;
}
export type AlertRow = Selectable<AlertsTable>;
export type NewAlertRow = Insertable<AlertsTable>;

export interface IncidentEventsTable {
  id: ColumnType<number, never, never>;
  incident_id: string;
  at: DefaultNow;
  kind: EventKind;
  message: string;
  data: Json<Record<string, unknown>>;
  actor_type: ColumnType<ActorType, ActorType | undefined, ActorType>;
  actor_id: string | null;
  actor_name: string | null;
}
export type IncidentEventRow = Selectable<IncidentEventsTable>;

/** What the public status page shows of an incident: only what responders published. */
export interface PublicUpdatesTable {
  id: ColumnType<number, never, never>;
  incident_id: string;
  status: IncidentStatus;
  message: string;
  posted_at: Date;
}
export type PublicUpdateRow = Selectable<PublicUpdatesTable>;

export interface PostmortemsTable {
  incident_id: string;
  status: ColumnType<PostmortemStatus, PostmortemStatus | undefined, PostmortemStatus>;
  content: ColumnType<PostmortemContent, string, string>;
  version: ColumnType<number, number | undefined, number>;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  published_at: Date | null;
}
export type PostmortemRow = Selectable<PostmortemsTable>;

/** A post-mortem's sections (the seeds' template). */
export interface PostmortemContent {
  summary: string;
  impact: string;
  rootCause: string;
  contributingFactors: string[];
  wentWell: string[];
  couldImprove: string[];
  fiveWhys: { question: string; answer: string }[];
  lessons: string[];
  prevention: string[];
  timeline: { at: string; event: string }[];
}

export interface ActionItemsTable {
  id: Generated<string>;
  incident_id: string;
  title: string;
  owner: string;
  /** YYYY-MM-DD */
  due_date: ColumnType<string, string, string>;
  priority: ActionItemPriority;
  status: ColumnType<ActionItemStatus, ActionItemStatus | undefined, ActionItemStatus>;
  created_at: Date;
  updated_at: Date;
}
export type ActionItemRow = Selectable<ActionItemsTable>;

export interface SilencesTable {
  id: Generated<string>;
  matchers: Json<MatcherRow[]>;
  starts_at: Date;
  ends_at: Date;
  comment: string;
  created_by: string;
  created_at: DefaultNow;
  expired_at: Date | null;
}
export type SilenceRow = Selectable<SilencesTable>;

export interface DeliveriesTable {
  id: ColumnType<number, never, never>;
  integration_id: string | null;
  received_at: DefaultNow;
  source: string;
  status_code: number;
  outcome: Json<unknown>;
  body: string;
  body_bytes: number;
  /** The id an asynchronous API answered with (Opsgenie `requestId`), for its status endpoint. */
  request_id: ColumnType<string | null, string | null | undefined, never>;
}

export interface WebhookSignaturesTable {
  integration_id: string;
  /** The expected HMAC of an accepted delivery (not a secret: it is derived from one). */
  mac: string;
  expires_at: Date;
}

/** Who holds each incident role: an API key's holder (with its id) or a name typed by a person. */
export type RoleHolders = Partial<Record<IncidentRole, { name: string; apiKeyId: string | null; since: string }>>;

/** Checklist items a responder ticked (or unticked), by item id. */
export type ChecklistTicks = Record<string, { done: boolean; at: string; by: string }>;

export interface ChangesTable {
  id: Generated<string>;
  kind: ChangeKind;
  service: string;
  summary: string;
  link: string | null;
  author: string | null;
  at: Date;
  recorded_by: string;
  created_at: DefaultNow;
}
export type ChangeRow = Selectable<ChangesTable>;
/** The notification outbox (see notify/outbox.ts). */
export interface NotificationsTable {
  id: Generated<string>;
  seq: ColumnType<number, never, never>;
  incident_id: string;
  cycle: number;
  step: number;
  channel: NotificationChannel;
  target: string;
  address: string;
  user_id: string | null;
  purpose: NotificationPurpose;
  idempotency_key: string;
  status: ColumnType<NotificationStatus, NotificationStatus | undefined, NotificationStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  /** Secret: never listed or logged. */
  webhook_secret: string | null;
  digest_id: string | null;
  created_at: DefaultNow;
  claimed_at: Date | null;
  next_attempt_at: Date | null;
  sent_at: Date | null;
  failed_at: Date | null;
  updated_at: DefaultNow;
}
export type NotificationRow = Selectable<NotificationsTable>;

export interface NotificationAttemptsTable {
  notification_id: string;
  attempt: number;
  started_at: Date;
  finished_at: Date;
  outcome: 'sent' | 'retryable' | 'permanent';
  error: string | null;
}

export interface UsersTable {
  id: Generated<string>;
  name: string;
  email: string | null;
  chat_handle: string | null;
  pager_address: string | null;
  time_zone: string;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}
export type UserRow = Selectable<UsersTable>;

/** A schedule's layers as stored (see escalation/oncall.ts for their meaning). */
export interface LayerRow {
  name: string;
  users: string[];
  rotation: { unit: 'hours' | 'days' | 'weeks'; length: number };
  handoffTime: string;
  startDate: string;
  timeZone?: string;
}

export interface SchedulesTable {
  id: Generated<string>;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  time_zone: ColumnType<string, string | undefined, string>;
  layers: ColumnType<LayerRow[], string | undefined, string>;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}
export type ScheduleRow = Selectable<SchedulesTable>;

export interface ScheduleOverridesTable {
  id: Generated<string>;
  schedule_id: string;
  user_id: string;
  starts_at: Date;
  ends_at: Date;
  created_at: DefaultNow;
}
export type ScheduleOverrideRow = Selectable<ScheduleOverridesTable>;

/** A policy's steps as stored (see escalation/policies.ts). */
export interface StepRow {
  delaySeconds: number;
  targets: TargetRow[];
}
export type TargetRow =
  | { type: 'user'; id: string; purpose?: 'page' | 'notify' }
  | { type: 'schedule'; id: string; purpose?: 'page' | 'notify' }
  | { type: 'email'; address: string; purpose?: 'page' | 'notify' }
  | { type: 'chat'; channel: string }
  | { type: 'pager'; address: string }
  | { type: 'webhook'; url: string | null; secret?: string; purpose?: 'ticket' | 'notify' };

export interface EscalationPoliciesTable {
  id: Generated<string>;
  name: string;
  match_severities: ColumnType<Severity[], Severity[] | undefined, Severity[]>;
  match_services: ColumnType<string[], string[] | undefined, string[]>;
  match_integrations: ColumnType<string[], string[] | undefined, string[]>;
  steps: ColumnType<StepRow[], string, string>;
  repeat: ColumnType<number, number | undefined, number>;
  repeat_delay_seconds: ColumnType<number, number | undefined, number>;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}
export type EscalationPolicyRow = Selectable<EscalationPoliciesTable>;

export interface IncidentEscalationsTable {
  incident_id: string;
  policy_id: string | null;
  cycle: ColumnType<number, number | undefined, number>;
  round: ColumnType<number, number | undefined, number>;
  step: ColumnType<number, number | undefined, number>;
  started_at: Date;
  next_at: Date | null;
  last_fired_cycle: number | null;
  last_fired_step: number | null;
  last_fired_at: Date | null;
  stopped_at: Date | null;
  stop_reason: string | null;
  reminder_seq: ColumnType<number, number | undefined, number>;
  reminder_at: Date | null;
  updated_at: DefaultNow;
}
export type IncidentEscalationRow = Selectable<IncidentEscalationsTable>;
