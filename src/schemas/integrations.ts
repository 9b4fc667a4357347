import { type Static, Type } from 'typebox';
import { HEALTH_FORMATS, INTEGRATION_KINDS } from '../vocabulary.js';
import { SeveritySchema } from './incidents.js';
import { MatcherSchema } from './silences.js';

export const IntegrationKindSchema = Type.Enum([...INTEGRATION_KINDS], { type: 'string' });
export const HealthFormatSchema = Type.Enum([...HEALTH_FORMATS], {
  type: 'string',
  description:
    'Body format of a health integration: `auto` (default) recognises each body by shape; a pinned format ' +
    'decodes every body with that format only. Other kinds take no format (400).',
});
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f]+$' });
const LabelName = Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\u0000]+$' });

export const SeverityRuleSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    matchers: Type.Array(MatcherSchema, { minItems: 1, maxItems: 16 }),
    severity: SeveritySchema,
  },
  { additionalProperties: false, description: "First matching rule decides an alert's severity, before the source default" },
);

const HeartbeatSettingsSchema = Type.Object(
  {
    intervalSeconds: Type.Integer({ minimum: 10, maximum: 31 * 86400, description: 'Expected time between beats' }),
    graceSeconds: Type.Integer({ minimum: 0, maximum: 86400, description: 'Extra time before a missed beat alerts' }),
  },
  { additionalProperties: false },
);

const settings = {
  service: Type.Optional(
    Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], { description: 'Default service of its incidents' }),
  ),
  groupingLabels: Type.Optional(
    Type.Array(LabelName, {
      maxItems: 16,
      uniqueItems: true,
      description: "Group alerts by these labels instead of the source's group key",
    }),
  ),
  severityRules: Type.Optional(Type.Array(SeverityRuleSchema, { maxItems: 50 })),
  promoteAfterAlerts: Type.Optional(
    Type.Union([Type.Integer({ minimum: 2, maximum: 100000 }), Type.Null()], {
      description: 'Promote an incident one severity level once it spans this many distinct alerts; null = never',
    }),
  ),
  reopenWindowSeconds: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 7 * 86400,
      description: 'A re-fire this soon after resolution reopens the incident (default 300)',
    }),
  ),
  signed: Type.Optional(
    Type.Boolean({
      description:
        'Require X-Klaxon-Signature (grafana: X-Grafana-Alerting-Signature), HMAC-SHA256; true generates a signing secret, ' +
        'shown once. pagerduty and opsgenie senders cannot sign (400).',
    }),
  ),
  format: Type.Optional(HealthFormatSchema),
};

export const CreateIntegrationBodySchema = Type.Object(
  { name: Name, kind: IntegrationKindSchema, ...settings, heartbeat: Type.Optional(HeartbeatSettingsSchema) },
  { additionalProperties: false },
);
export type CreateIntegrationBody = Static<typeof CreateIntegrationBodySchema>;

export const UpdateIntegrationBodySchema = Type.Object(
  { name: Type.Optional(Name), ...settings, heartbeat: Type.Optional(HeartbeatSettingsSchema) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateIntegrationBody = Static<typeof UpdateIntegrationBodySchema>;

const DateTime = Type.String({ format: 'date-time' });

export const IntegrationSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    kind: IntegrationKindSchema,
    service: Type.Union([Type.String(), Type.Null()]),
    groupingLabels: Type.Array(Type.String()),
    severityRules: Type.Array(SeverityRuleSchema),
    promoteAfterAlerts: Type.Union([Type.Integer(), Type.Null()]),
    reopenWindowSeconds: Type.Integer(),
    signed: Type.Boolean(),
    format: Type.Union([HealthFormatSchema, Type.Null()], { description: 'The body format of a health integration; null for other kinds' }),
    heartbeat: Type.Union([
      Type.Object({ intervalSeconds: Type.Integer(), graceSeconds: Type.Integer(), lastBeatAt: Type.Union([DateTime, Type.Null()]) }),
      Type.Null(),
    ]),
    webhookUrl: Type.String({ description: 'Where the sender posts; add the key as a Bearer token or a last path segment' }),
    keys: Type.Array(Type.Object({ prefix: Type.String(), createdAt: DateTime, expiresAt: Type.Union([DateTime, Type.Null()]) })),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Integration', title: 'Integration' },
);
export type Integration = Static<typeof IntegrationSchema>;

const secrets = {
  key: Type.String({ description: 'The integration key. Shown only now.' }),
  webhookUrlWithKey: Type.String({
    description:
      'The webhook URL with the key as its last segment, for senders that cannot set headers. ' +
      'pagerduty and opsgenie senders put the key in the body (routing_key) or a GenieKey header: for them it is the webhookUrl.',
  }),
  signingSecret: Type.Optional(Type.String({ description: 'HMAC signing secret. Shown only now.' })),
};

export const CreatedIntegrationSchema = Type.Intersect([Type.Ref('Integration'), Type.Object(secrets)], { title: 'CreatedIntegration' });
export const UpdatedIntegrationSchema = Type.Intersect([Type.Ref('Integration'), Type.Object({ signingSecret: secrets.signingSecret })], {
  title: 'UpdatedIntegration',
});

export const RotateKeyBodySchema = Type.Object(
  {
    overlapSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 30 * 86400, description: 'How long current keys keep working (default 86400)' }),
    ),
  },
  { additionalProperties: false },
);
export const RotatedKeySchema = Type.Object({
  key: secrets.key,
  webhookUrlWithKey: secrets.webhookUrlWithKey,
  previousKeysExpireAt: DateTime,
});
export const IntegrationListSchema = Type.Object({ items: Type.Array(Type.Ref('Integration')) });
