import { type Static, type TSchema, Type } from 'typebox';
import { ALERT_STATUSES, CHANGE_KINDS, INCIDENT_STATUSES, SEVERITIES } from '../vocabulary.js';
import type { TimelineEvent } from './events.js';

export const SeveritySchema = Type.Enum([...SEVERITIES], {
  type: 'string',
  description: 'SEV1 is the most severe',
});
export const IncidentStatusSchema = Type.Enum([...INCIDENT_STATUSES], { type: 'string' });
export type IncidentStatus = Static<typeof IncidentStatusSchema>;

const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const RoleHolderSchema = Nullable(
  Type.Object({
    name: Type.String(),
    apiKeyId: Nullable(Type.String({ format: 'uuid', description: "Set when the holder is an API key's holder" })),
    since: DateTime(),
  }),
);

export const IncidentSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    number: Type.Integer({ description: 'Short human-facing number, increasing; accepted wherever an incident id is' }),
    title: Type.String(),
    status: IncidentStatusSchema,
    severity: SeveritySchema,
    severityReason: Type.String({ description: 'Why the incident has this severity' }),
    severityOverridden: Type.Boolean({ description: 'A person set the severity; rules no longer change it' }),
    service: Nullable(Type.String()),
    summary: Nullable(Type.String({ description: 'What is known, in a sentence or two' })),
    impact: Nullable(Type.String({ description: 'What users are experiencing' })),
    declared: Type.Boolean({ description: 'Declared by a person (POST /v1/incidents) rather than opened by an alert' }),
    integrationId: Nullable(Type.String({ format: 'uuid', description: 'The integration whose alerts opened it; null when declared' })),
    groupKey: Type.String({ description: 'The group key its alerts share: why they were grouped into this incident' }),
    roles: Type.Object(
      { commander: RoleHolderSchema, scribe: RoleHolderSchema, communications: RoleHolderSchema },
      { description: 'The incident commander and the people beside them (null: unassigned)' },
    ),
    alertCount: Type.Integer({ minimum: 0 }),
    firingCount: Type.Integer({ minimum: 0 }),
    reopenCount: Type.Integer({ minimum: 0 }),
    truncatedAlerts: Type.Integer({
      minimum: 0,
      description: 'Alerts the sender left out of its last delivery (Alertmanager max_alerts); the incident never auto-resolves while > 0',
    }),
    openedAt: DateTime(),
    acknowledgedAt: Nullable(DateTime()),
    ackDeadline: DateTime("When it should be acknowledged by: opened + the severity's acknowledgement target"),
    ackMet: Nullable(Type.Boolean({ description: 'Acknowledged by the deadline; null while unacknowledged and inside it' })),
    resolvedAt: Nullable(DateTime()),
    lastUpdateAt: Nullable(DateTime('The last status update posted (POST …/updates)')),
    nextUpdateDueAt: Nullable(
      DateTime("The next status update is due by the severity's cadence after the last one (or the opening); null once resolved"),
    ),
    updateOverdue: Type.Boolean({ description: 'Open, and the next status update is past due' }),
    chatChannel: Type.String({ description: "A chat channel name in the seeds' convention, #incident-YYYY-MM-DD-<slug>" }),
    updatedAt: DateTime(),
    version: Type.Integer({ minimum: 1, description: 'Bumped by every change; the ETag is this number in quotes, for If-Match' }),
    links: Type.Object(
      {
        self: Type.String(),
        timeline: Type.String(),
        notes: Type.String(),
        alerts: Type.String(),
        checklist: Type.String(),
        updates: Type.String({ description: 'Post a status update here' }),
        messages: Type.String({ description: "The seeds' message templates, filled from the incident: append a kind" }),
        changes: Type.String({ description: 'Changes to its service before it opened' }),
      },
      { description: 'Relative URLs of its sub-resources' },
    ),
  },
  { $id: 'Incident', title: 'Incident' },
);
export type Incident = Static<typeof IncidentSchema>;

export const AlertSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    identity: Type.String({ description: 'Stable identity of the alert within its integration' }),
    status: Type.Enum([...ALERT_STATUSES], { type: 'string' }),
    title: Type.String(),
    labels: Type.Record(Type.String(), Type.String()),
    annotations: Type.Record(Type.String(), Type.String()),
    severity: SeveritySchema,
    severityReason: Type.String(),
    service: Nullable(Type.String()),
    url: Nullable(Type.String({ description: 'Link back to the source' })),
    startsAt: Nullable(DateTime('When the source says it started')),
    endsAt: Nullable(DateTime('When the source says it ended')),
    firstSeenAt: DateTime(),
    lastSeenAt: DateTime(),
    receiveCount: Type.Integer({ minimum: 0, description: 'How many deliveries carried this alert' }),
  },
  { $id: 'Alert', title: 'Alert' },
);
export type Alert = Static<typeof AlertSchema>;

export const ChangeSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.Enum([...CHANGE_KINDS], { type: 'string' }),
    service: Type.String(),
    summary: Type.String(),
    link: Nullable(Type.String()),
    author: Nullable(Type.String()),
    at: DateTime('When the change took effect'),
    recordedBy: Type.String({ description: 'The API key that recorded it' }),
  },
  { $id: 'Change', title: 'Change' },
);
export type Change = Static<typeof ChangeSchema>;

export const ChecklistItemSchema = Type.Object(
  {
    id: Type.String(),
    phase: Type.Enum(['during', 'after'], { type: 'string' }),
    label: Type.String(),
    done: Type.Boolean(),
    source: Type.Enum(['observed', 'responder', 'none'], {
      type: 'string',
      description: 'observed: Klaxon saw it happen; responder: a person ticked it; none: not done',
    }),
    observable: Type.Boolean({ description: 'Klaxon ticks it by itself when it sees it happen' }),
    at: Nullable(DateTime()),
    by: Nullable(Type.String()),
  },
  { $id: 'ChecklistItem', title: 'ChecklistItem' },
);
export type ChecklistItem = Static<typeof ChecklistItemSchema>;

const Similar = Type.Object({
  id: Type.String({ format: 'uuid' }),
  number: Type.Integer(),
  title: Type.String(),
  severity: SeveritySchema,
  status: IncidentStatusSchema,
  openedAt: DateTime(),
  resolvedAt: Nullable(DateTime()),
  sameGroup: Type.Boolean({ description: 'Same alert group (else same service)' }),
  resolution: Nullable(Type.String({ description: 'How it was resolved: the resolve message, else who or what resolved it' })),
});

// Nested Incident/Alert/TimelineEvent/Change are referenced by $id, so they must be addSchema'd (see sharedSchemas).
export const IncidentDetailSchema = Type.Object(
  {
    ...IncidentSchema.properties,
    alerts: Type.Array(Type.Ref('Alert'), { description: 'The first page, ordered by first seen (see links.alerts)' }),
    alertsNextCursor: Nullable(Type.String()),
    timeline: Type.Array(Type.Ref('TimelineEvent'), { description: 'The first page, oldest first (see links.timeline)' }),
    timelineNextCursor: Nullable(Type.String()),
    triage: Type.Object(
      {
        recentChanges: Type.Array(Type.Ref('Change'), {
          description: 'Changes to its service in the hours before it opened, newest first',
        }),
        hints: Type.Array(Type.String(), { description: 'e.g. a deploy shortly before it opened: consider a rollback' }),
        similarIncidents: Type.Array(Similar, { description: 'Earlier incidents of the same group or service in the last 30 days' }),
      },
      { description: "The seeds' triage questions: what changed recently, is this a known issue?" },
    ),
    checklist: Type.Array(Type.Ref('ChecklistItem')),
  },
  { title: 'IncidentDetail' },
);
// Spelled out: Static of a Ref is unknown.
export type IncidentDetail = Incident & {
  alerts: Alert[];
  alertsNextCursor: string | null;
  timeline: TimelineEvent[];
  timelineNextCursor: string | null;
  triage: { recentChanges: Change[]; hints: string[]; similarIncidents: Static<typeof Similar>[] };
  checklist: ChecklistItem[];
};

export const IncidentListSchema = Type.Object(
  {
    items: Type.Array(Type.Ref('Incident')),
    nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page' })),
  },
  { title: 'IncidentList' },
);
export type IncidentList = { items: Incident[]; nextCursor: string | null };

export const DEFAULT_LIST_LIMIT = 50;

export const INCIDENT_SORTS = ['-openedAt', 'openedAt', 'severity'] as const;
export type IncidentSort = (typeof INCIDENT_SORTS)[number];

const Time = (description: string) => Type.Optional(DateTime(description));

export const ListIncidentsQuerySchema = Type.Object(
  {
    status: Type.Optional(
      Type.Enum(['open', ...INCIDENT_STATUSES], { type: 'string', description: '`open` means any status but resolved' }),
    ),
    severity: Type.Optional(SeveritySchema),
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    integration: Type.Optional(Type.String({ format: 'uuid', description: 'Integration id' })),
    commander: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "The incident commander's name, exactly" })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Text the title contains (case-insensitive)' })),
    openedAfter: Time('Opened at or after this instant'),
    openedBefore: Time('Opened before this instant'),
    resolvedAfter: Time('Resolved at or after this instant'),
    resolvedBefore: Time('Resolved before this instant'),
    sort: Type.Optional(
      Type.Enum([...INCIDENT_SORTS], {
        type: 'string',
        default: '-openedAt',
        description: '-openedAt: newest first (default); openedAt: oldest first; severity: SEV1 first, then newest',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_LIST_LIMIT })),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 512, description: "Opaque: a previous page's nextCursor, with the same filters and sort" }),
    ),
  },
  { additionalProperties: false },
);
export type ListIncidentsQuery = Static<typeof ListIncidentsQuerySchema>;

export const PageQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_LIST_LIMIT })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: "Opaque: a previous page's nextCursor" })),
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuerySchema>;

export const AlertPageSchema = Type.Object(
  { items: Type.Array(Type.Ref('Alert')), nextCursor: Nullable(Type.String()) },
  { title: 'AlertPage' },
);
export const TimelinePageSchema = Type.Object(
  { items: Type.Array(Type.Ref('TimelineEvent')), nextCursor: Nullable(Type.String()) },
  { title: 'TimelinePage' },
);
export type Page<T> = { items: T[]; nextCursor: string | null };

/** `{id}` of an incident: its UUID or its number. */
export const IncidentRefParamsSchema = Type.Object({
  id: Type.String({
    pattern: '^(?:[0-9]{1,15}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$',
    description: 'The incident UUID or its number',
  }),
});
