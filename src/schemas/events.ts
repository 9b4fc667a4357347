/**
 * Timeline events as one typed union: each kind of src/vocabulary.ts has its own
 * `data` shape here, and the union of them is the TimelineEvent the API publishes
 * (its `kind` enum is generated from the same list, so it names exactly the kinds
 * Klaxon emits). Domain code writes events through incidents/events.ts, which takes
 * `EventData<K>` for kind K.
 */
import { type Static, type TObject, type TSchema, Type } from 'typebox';
import {
  ACTOR_TYPES,
  EVENT_KINDS,
  type EventKind,
  INCIDENT_ROLES,
  INCIDENT_STATUSES,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_PURPOSES,
  SEVERITIES,
} from '../vocabulary.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Str = (description?: string) => Type.String(description ? { description } : {});
const Severity = Type.Enum([...SEVERITIES], { type: 'string' });
const Status = Type.Enum([...INCIDENT_STATUSES], { type: 'string' });
const Message = Nullable(Str('What the person said, if anything'));

const Int = (description?: string) => Type.Integer(description ? { description } : {});
const NOTIFICATION = {
  notificationId: Str(),
  channel: Type.Enum([...NOTIFICATION_CHANNELS], { type: 'string' }),
  target: Str(),
  address: Str('A webhook URL is shown by its origin only'),
  purpose: Type.Enum([...NOTIFICATION_PURPOSES], { type: 'string' }),
  cycle: Int(),
  step: Int(),
  attempts: Int(),
};

export const EVENT_DATA = {
  created: Type.Object({
    identity: Str('The alert that opened it'),
    groupKey: Str(),
    previousIncident: Nullable(Type.String({ format: 'uuid', description: 'The resolved incident of the same group it did not reopen' })),
  }),
  declared: Type.Object({ severity: Severity, service: Nullable(Str()), commander: Nullable(Str()) }),
  alert_fired: Type.Object({ identity: Str() }),
  alert_resolved: Type.Object({ identity: Str() }),
  acknowledged: Type.Object({
    message: Message,
    withinTarget: Type.Boolean({ description: "Acknowledged before the severity's acknowledgement deadline" }),
    secondsToAcknowledge: Type.Integer({ minimum: 0 }),
  }),
  status_changed: Type.Object({ from: Status, to: Status, message: Message }),
  resolved: Type.Object({
    cause: Type.Enum(['alerts', 'responder'], { type: 'string', description: 'Its last alert resolved, or a person resolved it' }),
    firingAlerts: Type.Integer({ minimum: 0, description: 'Alerts still firing when a person resolved it (they are marked resolved)' }),
    message: Message,
  }),
  reopened: Type.Object({
    cause: Type.Enum(['alert', 'responder'], { type: 'string' }),
    identity: Nullable(Str('The alert whose firing reopened it')),
    resolvedAt: Nullable(Type.String({ format: 'date-time' })),
    message: Message,
  }),
  severity_changed: Type.Object({
    from: Severity,
    to: Severity,
    reason: Str('Why: the rule, the alert or the person'),
    overridden: Type.Boolean({ description: 'A person set it; rules no longer change it' }),
  }),
  resolve_deferred: Type.Object({ truncatedAlerts: Type.Integer({ minimum: 0 }) }),
  role_assigned: Type.Object({
    role: Type.Enum([...INCIDENT_ROLES], { type: 'string' }),
    name: Nullable(Str('Who holds it now; null when the role was cleared')),
    apiKeyId: Nullable(Type.String({ format: 'uuid' })),
    previous: Nullable(Str()),
  }),
  incident_updated: Type.Object({
    changes: Type.Record(Type.String(), Type.Object({ from: Nullable(Str()), to: Nullable(Str()) }), {
      description: 'Field → old and new value (title, summary, impact)',
    }),
  }),
  note: Type.Object({ text: Str() }),
  status_update: Type.Object({
    status: Status,
    findings: Str('Current findings'),
    actions: Str('Actions in progress'),
    publicMessage: Nullable(Str('What the public status page says; null: an internal update only')),
    publicTitle: Nullable(Str('The title the status page shows, when this update set it')),
    nextUpdateDueAt: Nullable(Type.String({ format: 'date-time', description: "The next update due by the severity's cadence" })),
  }),
  postmortem_created: Type.Object({
    dueAt: Nullable(Type.String({ format: 'date-time', description: 'Due 48 h after resolution (SEV1/SEV2)' })),
  }),
  postmortem_published: Type.Object({ version: Type.Integer({ minimum: 1 }) }),
  action_item_added: Type.Object({
    actionItemId: Type.String({ format: 'uuid' }),
    title: Str(),
    owner: Str(),
    dueDate: Type.String({ format: 'date' }),
    priority: Type.Enum(['high', 'medium', 'low'], { type: 'string' }),
  }),
  escalation_started: Type.Object({
    policyId: Nullable(Type.String({ description: 'null: no policy matched, nobody is paged' })),
    policyName: Nullable(Str()),
    cycle: Int(),
    cause: Type.Enum(['opened', 'reopened', 'severity_changed'], { type: 'string' }),
    firstStepAt: Nullable(Type.String({ format: 'date-time' })),
  }),
  escalation_step: Type.Object({
    policyId: Str(),
    cycle: Int(),
    round: Int(),
    step: Int(),
    queued: Int('Notifications queued by this step'),
    targets: Int(),
    emptyTargets: Int('Targets that reached nobody (an empty schedule, a user without an address)'),
    nextStepAt: Nullable(Type.String({ format: 'date-time' })),
  }),
  escalation_stopped: Type.Object({
    reason: Type.Enum(['acknowledged', 'resolved', 'completed', 'no_policy', 'policy_deleted'], { type: 'string' }),
    cycle: Int(),
  }),
  escalated: Type.Object({ reason: Str(), cycle: Int(), step: Int() }),
  update_reminder: Type.Object({
    seq: Int(),
    severity: Severity,
    cadenceSeconds: Int(),
    queued: Int(),
    nextAt: Type.String({ format: 'date-time' }),
  }),
  notification_sent: Type.Object(NOTIFICATION),
  notification_failed: Type.Object({ ...NOTIFICATION, error: Str() }),
  notification_throttled: Type.Object({ ...NOTIFICATION, digestAt: Type.String({ format: 'date-time' }) }),
  pager_callback: Type.Object({
    action: Type.Enum(['acknowledge', 'resolve', 'escalate'], { type: 'string' }),
    responder: Str(),
    integrationId: Str(),
    integrationName: Str(),
    changed: Type.Boolean(),
    message: Type.Optional(Str()),
  }),
} satisfies Record<EventKind, TObject>;

export type EventData<K extends EventKind> = Static<(typeof EVENT_DATA)[K]>;

export const ActorSchema = Type.Object(
  {
    type: Type.Enum([...ACTOR_TYPES], { type: 'string' }),
    id: Nullable(Str('API key or integration id; null for Klaxon itself')),
    name: Nullable(Str('API key name and role, or integration name')),
  },
  { description: 'Who caused the event: an API key holder, an integration, or Klaxon itself' },
);

export const TimelineEventSchema = Type.Union(
  EVENT_KINDS.map((kind) =>
    Type.Object(
      {
        id: Type.Integer(),
        at: Type.String({ format: 'date-time' }),
        kind: Type.Literal(kind),
        message: Str('Human-readable account of the event'),
        actor: ActorSchema,
        data: EVENT_DATA[kind],
      },
      { title: `TimelineEvent_${kind}` },
    ),
  ),
  // Told apart by `kind` (a const in each branch); no OpenAPI discriminator, which needs $refs, not inline branches.
  { $id: 'TimelineEvent', title: 'TimelineEvent' },
);

/** A timeline event on the wire (the union, spelled out: Static of a large union is slow to check). */
export interface TimelineEvent {
  id: number;
  at: string;
  kind: EventKind;
  message: string;
  actor: { type: (typeof ACTOR_TYPES)[number]; id: string | null; name: string | null };
  data: Record<string, unknown>;
}
