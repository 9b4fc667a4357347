import { type Static, type TSchema, Type } from 'typebox';
import { ALERT_STATUSES, INCIDENT_STATUSES, SEVERITIES } from '../vocabulary.js';

export const SeveritySchema = Type.Enum([...SEVERITIES], {
  type: 'string',
  description: 'SEV1 is the most severe',
});
export const IncidentStatusSchema = Type.Enum([...INCIDENT_STATUSES], { type: 'string' });
export type IncidentStatus = Static<typeof IncidentStatusSchema>;

const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IncidentSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    number: Type.Integer({ description: 'Short human-facing number, increasing' }),
    title: Type.String(),
    status: IncidentStatusSchema,
    severity: SeveritySchema,
    severityReason: Type.String({ description: 'Why the incident has this severity' }),
    severityOverridden: Type.Boolean({ description: 'A person set the severity; rules no longer change it' }),
    service: Nullable(Type.String()),
    integrationId: Type.String({ format: 'uuid' }),
    groupKey: Type.String({ description: 'The group key its alerts share: why they were grouped into this incident' }),
    alertCount: Type.Integer({ minimum: 0 }),
    firingCount: Type.Integer({ minimum: 0 }),
    reopenCount: Type.Integer({ minimum: 0 }),
    truncatedAlerts: Type.Integer({
      minimum: 0,
      description: 'Alerts the sender left out of its last delivery (Alertmanager max_alerts); the incident never auto-resolves while > 0',
    }),
    openedAt: DateTime(),
    resolvedAt: Nullable(DateTime()),
    updatedAt: DateTime(),
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

export const TimelineEventSchema = Type.Object(
  {
    id: Type.Integer(),
    at: DateTime(),
    kind: Type.String({ description: 'Machine-readable event kind, e.g. opened, alert_added, resolved' }),
    message: Type.String({ description: 'Human-readable account of the event' }),
    data: Type.Object({}, { additionalProperties: true, description: 'Kind-specific details' }),
  },
  { $id: 'TimelineEvent', title: 'TimelineEvent' },
);
export type TimelineEvent = Static<typeof TimelineEventSchema>;

// Nested Incident/Alert/TimelineEvent are referenced by $id, so they must be addSchema'd (see sharedSchemas).
export const IncidentDetailSchema = Type.Object(
  {
    ...IncidentSchema.properties,
    alerts: Type.Array(Type.Ref('Alert'), { description: 'Ordered by first seen' }),
    timeline: Type.Array(Type.Ref('TimelineEvent'), { description: 'Oldest first' }),
  },
  { title: 'IncidentDetail' },
);
// Spelled out: Static of a Ref is unknown.
export type IncidentDetail = Incident & { alerts: Alert[]; timeline: TimelineEvent[] };

export const IncidentListSchema = Type.Object(
  {
    items: Type.Array(Type.Ref('Incident')),
    nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page' })),
  },
  { title: 'IncidentList' },
);
export type IncidentList = { items: Incident[]; nextCursor: string | null };

export const DEFAULT_LIST_LIMIT = 50;

export const ListIncidentsQuerySchema = Type.Object(
  {
    status: Type.Optional(
      Type.Enum(['open', ...INCIDENT_STATUSES], { type: 'string', description: '`open` means any status but resolved' }),
    ),
    severity: Type.Optional(SeveritySchema),
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    integration: Type.Optional(Type.String({ format: 'uuid', description: 'Integration id' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_LIST_LIMIT })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: "Opaque: a previous page's nextCursor" })),
  },
  { additionalProperties: false },
);
export type ListIncidentsQuery = Static<typeof ListIncidentsQuerySchema>;
