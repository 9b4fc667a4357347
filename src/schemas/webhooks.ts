import { Type } from 'typebox';
import { MAX_ALERTS_PER_DELIVERY, MAX_KEY_LENGTH, MAX_LABELS_PER_ALERT, MAX_VALUE_LENGTH } from '../ingest/limits.js';
import { ALERT_OUTCOMES } from '../vocabulary.js';

export const AlertOutcomeSchema = Type.Enum([...ALERT_OUTCOMES], {
  type: 'string',
  description:
    'created/reopened an incident, updated one (a new or re-fired alert), resolved an alert, suppressed by a silence, or duplicate (counters only)',
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
    replay: Type.Optional(
      Type.Boolean({ description: 'The signature was already accepted: nothing was applied (answered like a duplicate)' }),
    ),
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

/** A label or annotation map as the adapters read it (readStringMap in ingest/limits.ts). */
const StringMap = (description: string) =>
  Type.Record(Type.String(), Type.String({ maxLength: MAX_VALUE_LENGTH }), {
    maxProperties: MAX_LABELS_PER_ALERT,
    propertyNames: { minLength: 1, maxLength: MAX_KEY_LENGTH },
    description: `${description}; no NUL characters`,
  });
const Timestamp = (description: string) => Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description }));

/**
 * What Alertmanager sends (webhook v4), as adaptAlertmanager reads it: only `alerts`
 * and each alert's `labels` are required; unknown fields are accepted and ignored.
 */
export const AlertmanagerWebhookSchema = Type.Object(
  {
    version: Type.Optional(Type.String({ examples: ['4'], description: 'Not read' })),
    receiver: Type.Optional(Type.String({ description: 'Prefixes the group key; empty when absent' })),
    status: Type.Optional(
      Type.Enum(['firing', 'resolved'], { type: 'string', description: "The group's status; not read (each alert's own counts)" }),
    ),
    groupKey: Type.Optional(Type.String({ description: 'Groups alerts into one incident; when absent, built from groupLabels' })),
    truncatedAlerts: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 2147483647, description: 'Alerts left out of this delivery (max_alerts)' }),
    ),
    groupLabels: Type.Optional(StringMap('Labels the group was formed by')),
    commonLabels: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Not read' })),
    commonAnnotations: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Not read' })),
    externalURL: Type.Optional(Type.String({ description: 'Not read' })),
    alerts: Type.Array(
      Type.Object({
        status: Type.Optional(
          Type.String({
            maxLength: 64,
            examples: ['firing', 'resolved'],
            description: 'firing or resolved; when absent (or anything else), an endsAt not after the receive time means resolved',
          }),
        ),
        labels: StringMap('The alert identity and what severity rules, silences and grouping match'),
        annotations: Type.Optional(Type.Union([StringMap('summary, description, …'), Type.Null()])),
        startsAt: Timestamp('RFC 3339, any fraction and offset'),
        endsAt: Timestamp("RFC 3339; 0001-01-01T00:00:00Z (Go's zero time) means not ended"),
        generatorURL: Type.Optional(Type.String({ description: 'Kept as the alert link when it is a string within the limits' })),
        fingerprint: Type.Optional(
          Type.String({ description: "Alertmanager's 16 hex digits; anything else (or none) is computed from the labels" }),
        ),
      }),
      { maxItems: MAX_ALERTS_PER_DELIVERY },
    ),
  },
  {
    title: 'AlertmanagerWebhook',
    description: 'Prometheus Alertmanager webhook_config payload (version 4)',
  },
);

/** A template variable: a string, or a number when the template leaves it unquoted; "" or an unsubstituted `$VAR` is absent. */
const Variable = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Number()], { description }));

/**
 * The Datadog payload as adaptDatadog reads it: its default template or the richer one in
 * docs/integrations.md, or both mixed. Nothing is required by the schema; the adapter needs a
 * monitor id (alert_id, or a /monitors/<id> link in body) and a transition or alert_type.
 */
export const DatadogWebhookSchema = Type.Object(
  {
    alert_id: Variable('$ALERT_ID: the monitor id, digits'),
    alert_scope: Variable("$ALERT_SCOPE: the group's tags, comma-separated"),
    alert_transition: Variable('$ALERT_TRANSITION: Triggered, Recovered, Warn, No Data, …'),
    alert_type: Variable('$ALERT_TYPE: error, warning, info or success'),
    alert_priority: Variable('$ALERT_PRIORITY: P1 … P5'),
    alert_title: Variable('$ALERT_TITLE'),
    alert_status: Variable('$ALERT_STATUS'),
    alert_query: Variable('$ALERT_QUERY'),
    alert_cycle_key: Variable('$ALERT_CYCLE_KEY'),
    hostname: Variable('$HOSTNAME'),
    event_type: Variable('$EVENT_TYPE'),
    event_id: Variable('$ID'),
    id: Variable('$ID (default payload)'),
    title: Variable('$EVENT_TITLE'),
    body: Variable('$EVENT_MSG'),
    tags: Variable('$TAGS, comma-separated'),
    link: Variable('$LINK'),
    date: Variable('$DATE: epoch milliseconds (seconds tolerated) or RFC 3339'),
    last_updated: Variable('$LAST_UPDATED'),
    org_id: Variable('$ORG_ID'),
    org: Type.Optional(
      Type.Object({ id: Variable('$ORG_ID'), name: Variable('$ORG_NAME') }, { description: 'Default payload; ignored when not an object' }),
    ),
  },
  {
    title: 'DatadogWebhook',
    description:
      'Datadog webhook: values are strings (numbers are read too); "" or an unsubstituted $VARIABLE counts as absent. ' +
      'Unknown fields are ignored. See docs/integrations.md for the recommended template.',
  },
);

// ---------------------------------------------------------------------------------------------
// POST /v1/webhooks/health: one endpoint, several body formats recognised by shape
// (src/ingest/health/). These schemas document them for readers and generated clients; the
// adapter is the authority. They require no more than the adapter, but are looser than it: a
// format's own template may name a field under several keys, of which the adapter reads the first
// one present (in the order listed), and it refuses a body that looks like two formats at once.
// ---------------------------------------------------------------------------------------------

const amAlert = AlertmanagerWebhookSchema.properties.alerts.items;
const Link = (description: string) => Type.Optional(Type.String({ description: `${description}; kept as an annotation` }));

/**
 * What Grafana Alerting's webhook contact point sends (payload version 1), as adaptGrafana reads it:
 * Alertmanager's webhook plus Grafana's fields. Unknown fields are accepted and ignored.
 */
export const GrafanaWebhookSchema = Type.Object(
  {
    ...AlertmanagerWebhookSchema.properties,
    version: Type.Optional(
      Type.String({ examples: ['1'], description: 'Not read (a custom payload template changes the shape: keep the default)' }),
    ),
    orgId: Type.Optional(Type.Integer({ description: 'Not read; with version "1" it marks a Grafana body on the Alertmanager endpoint' })),
    title: Type.Optional(Type.String({ description: 'Not read' })),
    state: Type.Optional(Type.String({ examples: ['alerting', 'ok'], description: 'Not read (each alert’s own status counts)' })),
    message: Type.Optional(Type.String({ description: 'Not read' })),
    alerts: Type.Array(
      Type.Object({
        ...amAlert.properties,
        fingerprint: Type.Optional(
          Type.String({ maxLength: 256, description: "The alert's identity, opaque (Grafana hashes labels it does not send)" }),
        ),
        dashboardURL: Link('The dashboard'),
        panelURL: Link('The panel'),
        silenceURL: Link('Silence this alert in Grafana'),
        imageURL: Link('A screenshot'),
        values: Type.Optional(Type.Record(Type.String(), Type.Number(), { description: 'Query values; kept as a JSON annotation' })),
        valueString: Type.Optional(Type.String({ description: 'Kept as an annotation' })),
      }),
      { maxItems: MAX_ALERTS_PER_DELIVERY },
    ),
  },
  { title: 'GrafanaWebhook', description: 'Grafana Alerting webhook contact point payload (version 1)' },
);
