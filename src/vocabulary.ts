/**
 * Klaxon's vocabulary, defined once: severities, incident and alert statuses,
 * alert outcomes, timeline event kinds, integration kinds, health formats and
 * roles. Wire schemas (schemas/), table types (db/schema.ts) and the engine take
 * their values from here; the migrations' CHECK constraints spell them out (a
 * migration never imports app code) and test/unit/vocabulary.test.ts holds the
 * database's constraints to these lists.
 */

/** SEV1 is the most severe; the order of this list is the order of severity. */
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The incident lifecycle, in its usual order (the seeds: detect → acknowledge → … → resolve). */
export const INCIDENT_STATUSES = ['triggered', 'acknowledged', 'investigating', 'identified', 'mitigating', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** What an alert is now: firing in an incident, resolved, or suppressed by a silence. */
export const ALERT_STATUSES = ['firing', 'resolved', 'suppressed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** What one alert of a delivery did (see incidents/decide.ts). */
export const ALERT_OUTCOMES = [
  'created',
  'updated',
  'resolved',
  'reopened',
  'suppressed',
  'duplicate',
  /** A sender acknowledged the alert's open incident (PagerDuty/Opsgenie acknowledge). */
  'acknowledged',
  /** An action (acknowledge, note) about no open alert: accepted and recorded, nothing changed. */
  'ignored',
  /** A note was added to the alert's incident timeline (Opsgenie notes). */
  'noted',
] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

/**
 * Timeline event kinds. Each has its own `data` shape (incidents/events.ts), and
 * that union is what the OpenAPI document publishes.
 */
export const EVENT_KINDS = [
  'created',
  'declared',
  'alert_fired',
  'alert_resolved',
  'acknowledged',
  'status_changed',
  'resolved',
  'reopened',
  'severity_changed',
  'resolve_deferred',
  'role_assigned',
  'incident_updated',
  'note',
  'status_update',
  'postmortem_created',
  'postmortem_published',
  'action_item_added',
  // Escalation (see escalation/events.ts for each kind's data).
  'escalation_started',
  'escalation_step',
  'escalation_stopped',
  'escalated',
  'update_reminder',
  // Notifications (see notify/events.ts for each kind's data).
  'notification_sent',
  'notification_failed',
  'notification_throttled',
  'pager_callback',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The statuses a responder moves an open incident through (the seeds' assess → mitigate). */
export const WORKING_STATUSES = ['investigating', 'identified', 'mitigating'] as const;
export type WorkingStatus = (typeof WORKING_STATUSES)[number];

/** The incident roles of the seeds: the incident commander and the people beside them. */
export const INCIDENT_ROLES = ['commander', 'scribe', 'communications'] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

/** Who caused a timeline event: an API key's holder, an integration, or Klaxon itself. */
export const ACTOR_TYPES = ['api_key', 'integration', 'klaxon'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** What kind of change a team recorded (triage: "what changed recently?"). */
export const CHANGE_KINDS = ['deploy', 'config', 'feature_flag', 'infrastructure'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/**
 * `pagerduty`, `opsgenie` and `grafana` are the drop-in intake (senders built for those services);
 * `pager` receives pager callbacks.
 */

export const INTEGRATION_KINDS = ['alertmanager', 'datadog', 'health', 'heartbeat', 'pagerduty', 'opsgenie', 'grafana', 'pager'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

/** The body format a health integration reads; `auto` recognises it by shape. */
export const HEALTH_FORMATS = ['auto', 'generic', 'uptime-kuma', 'healthchecks', 'gatus'] as const;
export type HealthFormat = (typeof HEALTH_FORMATS)[number];

/** API key roles, each including the ones before it. */
export const ROLES = ['viewer', 'responder', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A post-mortem is drafted, then published. */
export const POSTMORTEM_STATUSES = ['draft', 'published'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

/** Action items of a post-mortem (the seeds: with owners and due dates). */
export const ACTION_ITEM_PRIORITIES = ['high', 'medium', 'low'] as const;
export type ActionItemPriority = (typeof ACTION_ITEM_PRIORITIES)[number];
export const ACTION_ITEM_STATUSES = ['open', 'in_progress', 'done'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];
/** Where a notification goes. */
export const NOTIFICATION_CHANNELS = ['email', 'chat', 'pager', 'webhook'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** Why it is sent; `digest` folds a person's throttled notifications into one. */
export const NOTIFICATION_PURPOSES = ['page', 'notify', 'reminder', 'ticket', 'digest'] as const;
export type NotificationPurpose = (typeof NOTIFICATION_PURPOSES)[number];

/** pending → sending → sent | failed; or throttled (into a digest) or cancelled (the incident moved on). */
export const NOTIFICATION_STATUSES = ['pending', 'sending', 'sent', 'failed', 'throttled', 'cancelled'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
