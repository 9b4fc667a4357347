import { Type } from 'typebox';

export const AlertOutcomeSchema = Type.Enum(['created', 'updated', 'resolved', 'reopened', 'suppressed', 'duplicate'], {
  type: 'string',
  description: 'created/reopened an incident, updated one (a new or re-fired alert), resolved an alert, suppressed by a silence, or duplicate (counters only)',
});

export const DeliveryResultSchema = Type.Object(
  {
    deliveryId: Type.Integer(),
    integrationId: Type.String({ format: 'uuid' }),
    alerts: Type.Array(
      Type.Object({
        identity: Type.String(),
        incidentId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
        incidentNumber: Type.Union([Type.Integer(), Type.Null()]),
        outcome: AlertOutcomeSchema,
      }),
    ),
    truncatedAlerts: Type.Integer(),
    note: Type.Optional(Type.String()),
  },
  { $id: 'DeliveryResult', title: 'DeliveryResult' },
);

export const DeliveryListSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      receivedAt: Type.String({ format: 'date-time' }),
      statusCode: Type.Integer({ description: 'What Klaxon answered' }),
      outcome: Type.Object({}, { additionalProperties: true, description: 'The per-alert summary, or the errors of a refused body' }),
      body: Type.String({ description: 'The body as received, cut at KLAXON_DELIVERY_BODY_MAX bytes' }),
      bodyBytes: Type.Integer(),
      bodyTruncated: Type.Boolean(),
    }),
  ),
});

export const ListDeliveriesQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'Only deliveries older than this delivery id' })),
  },
  { additionalProperties: false },
);

const StringMap = Type.Record(Type.String(), Type.String());

/** Documentation of what Alertmanager sends (webhook v4); unknown fields are accepted. */
export const AlertmanagerWebhookSchema = Type.Object(
  {
    version: Type.Optional(Type.String({ examples: ['4'] })),
    receiver: Type.String(),
    status: Type.Enum(['firing', 'resolved'], { type: 'string' }),
    groupKey: Type.Optional(Type.String()),
    truncatedAlerts: Type.Optional(Type.Integer({ minimum: 0 })),
    groupLabels: Type.Optional(StringMap),
    commonLabels: Type.Optional(StringMap),
    commonAnnotations: Type.Optional(StringMap),
    externalURL: Type.Optional(Type.String()),
    alerts: Type.Array(
      Type.Object({
        status: Type.Enum(['firing', 'resolved'], { type: 'string' }),
        labels: StringMap,
        annotations: Type.Optional(StringMap),
        startsAt: Type.Optional(Type.String({ format: 'date-time' })),
        endsAt: Type.Optional(Type.String({ description: '0001-01-01T00:00:00Z means not ended' })),
        generatorURL: Type.Optional(Type.String()),
        fingerprint: Type.Optional(Type.String({ pattern: '^[0-9a-f]{16}$' })),
      }),
      { maxItems: 1000 },
    ),
  },
  { title: 'AlertmanagerWebhook', description: 'Prometheus Alertmanager webhook_config payload (version 4)' },
);

/** Documentation of the Datadog payload: its default template or the richer one in docs/integrations.md. */
export const DatadogWebhookSchema = Type.Object(
  {
    alert_id: Type.Optional(Type.String({ description: '$ALERT_ID (monitor id)' })),
    alert_scope: Type.Optional(Type.String({ description: '$ALERT_SCOPE' })),
    alert_transition: Type.Optional(Type.String({ description: '$ALERT_TRANSITION' })),
    alert_type: Type.Optional(Type.String({ description: '$ALERT_TYPE' })),
    alert_priority: Type.Optional(Type.String({ description: '$ALERT_PRIORITY' })),
    title: Type.Optional(Type.String({ description: '$EVENT_TITLE' })),
    body: Type.Optional(Type.String({ description: '$EVENT_MSG' })),
    tags: Type.Optional(Type.String({ description: '$TAGS' })),
    link: Type.Optional(Type.String({ description: '$LINK' })),
  },
  { title: 'DatadogWebhook', description: 'Datadog webhook; every value a string. See docs/integrations.md for the recommended template.' },
);
