/** Wire schemas of communications: status updates, rendered messages, the public status page. */
import { type Static, Type } from 'typebox';
import { MESSAGE_KINDS } from '../incidents/communications.js';
import { INCIDENT_STATUSES, WORKING_STATUSES } from '../vocabulary.js';
import { IncidentRefParamsSchema } from './incidents.js';

const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });

export const StatusUpdateBodySchema = Type.Object(
  {
    status: Type.Enum([...WORKING_STATUSES, 'resolved'], {
      type: 'string',
      description: 'Where the incident stands; a different status moves it (the lifecycle rules apply)',
    }),
    findings: Text(4000, 'Current findings (internal)'),
    actions: Text(4000, 'Actions in progress (internal)'),
    publicMessage: Type.Optional(Text(4000, 'What the public status page says; leave out for an internal update')),
    publicTitle: Type.Optional(Text(200, 'The title the status page shows for this incident from now on')),
  },
  { additionalProperties: false },
);
export type StatusUpdateBody = Static<typeof StatusUpdateBodySchema>;

export const MessageParamsSchema = Type.Object({
  ...IncidentRefParamsSchema.properties,
  kind: Type.Enum([...MESSAGE_KINDS], {
    type: 'string',
    description: 'declared, update, resolved: commander style; status-*: status-page style',
  }),
});

const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);

export const SERVICE_STATES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

const PublicIncident = Type.Object({
  title: Type.String({ description: 'The title a responder published, else a generic one naming the service' }),
  service: Nullable(Type.String()),
  impact: Type.Enum(['critical', 'major', 'minor'], { type: 'string', description: 'SEV1 critical, SEV2 major, else minor' }),
  status: Type.Enum([...INCIDENT_STATUSES], { type: 'string' }),
  startedAt: DateTime(),
  resolvedAt: Nullable(DateTime()),
  updates: Type.Array(
    Type.Object({ status: Type.Enum([...INCIDENT_STATUSES], { type: 'string' }), message: Type.String(), at: DateTime() }),
    { description: 'What responders published, newest first' },
  ),
});

export const StatusPageSchema = Type.Object(
  {
    generatedAt: DateTime(),
    overall: Type.Enum([...SERVICE_STATES], { type: 'string', description: 'The worst state of any service or public incident' }),
    services: Type.Array(Type.Object({ name: Type.String(), state: Type.Enum([...SERVICE_STATES], { type: 'string' }) })),
    incidents: Type.Array(PublicIncident, { description: 'Open public incidents, newest first' }),
    recentlyResolved: Type.Array(PublicIncident, { description: 'Public incidents resolved in the last 7 days, newest first' }),
  },
  { title: 'StatusPage' },
);
export type StatusPage = Static<typeof StatusPageSchema>;
export type PublicIncident = Static<typeof PublicIncident>;
