import { type Static, Type } from 'typebox';
import { SeveritySchema } from './incidents.js';

const DateTime = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '^[^\\u0000-\\u001f]+$' });
const PersonPurpose = Type.Optional(
  Type.Enum(['page', 'notify'], { type: 'string', description: 'page (default): pager and email; notify: email only' }),
);

const COMMON_TARGETS = [
  Type.Object({ type: Type.Literal('user'), id: Uuid, purpose: PersonPurpose }, { additionalProperties: false, title: 'UserTarget' }),
  Type.Object(
    { type: Type.Literal('schedule'), id: Uuid, purpose: PersonPurpose },
    { additionalProperties: false, title: 'ScheduleTarget', description: 'Whoever is on call in the schedule when the step fires' },
  ),
  Type.Object(
    { type: Type.Literal('email'), address: Type.String({ format: 'email', maxLength: 254 }), purpose: PersonPurpose },
    { additionalProperties: false, title: 'EmailTarget' },
  ),
  Type.Object(
    { type: Type.Literal('chat'), channel: Type.String({ pattern: '^#[^\\s\\u0000-\\u001f]{1,80}$', description: 'e.g. #incidents' }) },
    { additionalProperties: false, title: 'ChatTarget' },
  ),
  Type.Object({ type: Type.Literal('pager'), address: Text(500) }, { additionalProperties: false, title: 'PagerTarget' }),
] as const;

const WebhookUrl = Type.Union([Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }), Type.Null()], {
  description: 'Where the signed JSON event is posted; null until configured (the target is then recorded as empty)',
});
const WebhookPurpose = Type.Optional(Type.Enum(['ticket', 'notify'], { type: 'string', description: 'Default ticket' }));

const TargetInputSchema = Type.Union([
  ...COMMON_TARGETS,
  Type.Object(
    {
      type: Type.Literal('webhook'),
      url: WebhookUrl,
      secret: Type.Optional(
        Type.String({
          minLength: 16,
          maxLength: 200,
          description: 'HMAC-SHA256 signing secret. Write-only; left out on an update, the secret of the same URL is kept',
        }),
      ),
      purpose: WebhookPurpose,
    },
    { additionalProperties: false, title: 'WebhookTarget' },
  ),
]);
const TargetSchema = Type.Union([
  ...COMMON_TARGETS,
  Type.Object(
    {
      type: Type.Literal('webhook'),
      url: Type.Union([Type.String(), Type.Null()]),
      signed: Type.Boolean({ description: 'Whether a signing secret is set (never shown)' }),
      purpose: Type.Optional(Type.String()),
    },
    { title: 'WebhookTargetOut' },
  ),
]);

const MatchSchema = Type.Object(
  {
    severities: Type.Optional(Type.Array(SeveritySchema, { uniqueItems: true, maxItems: 4 })),
    services: Type.Optional(Type.Array(Text(200), { uniqueItems: true, maxItems: 50 })),
    integrations: Type.Optional(Type.Array(Uuid, { uniqueItems: true, maxItems: 50 })),
  },
  {
    additionalProperties: false,
    description:
      'Which incidents the policy takes; a list left out or empty matches anything. The most specific matching policy wins (docs/escalation.md)',
  },
);

export const PolicyBodySchema = Type.Object(
  {
    name: Text(200),
    match: MatchSchema,
    steps: Type.Array(
      Type.Object(
        {
          delaySeconds: Type.Integer({
            minimum: 0,
            maximum: 7 * 86400,
            description: 'Wait after the previous step (the first: after opening)',
          }),
          targets: Type.Array(TargetInputSchema, { minItems: 1, maxItems: 20 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
    repeat: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1000, description: 'Runs of the whole policy after the first, unless acknowledged' }),
    ),
    repeatDelaySeconds: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 7 * 86400, description: 'Wait after the last step before a repeat (default 300)' }),
    ),
  },
  { additionalProperties: false },
);
export type PolicyBody = Static<typeof PolicyBodySchema>;

export const EscalationPolicySchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    match: Type.Object({
      severities: Type.Array(SeveritySchema),
      services: Type.Array(Type.String()),
      integrations: Type.Array(Uuid),
    }),
    steps: Type.Array(Type.Object({ delaySeconds: Type.Integer(), targets: Type.Array(TargetSchema) })),
    repeat: Type.Integer(),
    repeatDelaySeconds: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'EscalationPolicy', title: 'EscalationPolicy' },
);
export type EscalationPolicyWire = Static<typeof EscalationPolicySchema>;
export const EscalationPolicyListSchema = Type.Object({ items: Type.Array(Type.Ref('EscalationPolicy')) });

export const SimulateBodySchema = Type.Object(
  {
    severity: SeveritySchema,
    service: Type.Optional(Type.Union([Text(200), Type.Null()])),
    integrationId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'When the hypothetical incident opens (default now)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Most steps to list (default 50)' })),
  },
  { additionalProperties: false },
);
export type SimulateBody = Static<typeof SimulateBodySchema>;

const PlannedNotificationSchema = Type.Object({
  channel: Type.Enum(['email', 'chat', 'pager', 'webhook'], { type: 'string' }),
  address: Type.String(),
  purpose: Type.String(),
  userId: Type.Optional(Uuid),
  userName: Type.Optional(Type.String()),
});

export const SimulationSchema = Type.Object(
  {
    policy: Type.Object({ id: Uuid, name: Type.String() }),
    chosenPolicy: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()], {
      description: 'The policy the engine would choose for this incident (null: none matches); it may be another one',
    }),
    start: DateTime,
    steps: Type.Array(
      Type.Object({
        round: Type.Integer({ description: '0 for the first run of the policy, then each repeat' }),
        step: Type.Integer(),
        at: DateTime,
        targets: Type.Array(
          Type.Object({
            target: TargetSchema,
            onCall: Type.Optional(Type.Array(Type.Object({ id: Uuid, name: Type.String() }))),
            notifications: Type.Array(PlannedNotificationSchema),
            empty: Type.Optional(Type.String({ description: 'Why this target reaches nobody' })),
          }),
        ),
      }),
    ),
    truncated: Type.Boolean({ description: 'More steps would follow (a long repeat); raise limit to see them' }),
    stops: Type.Array(Type.String(), { description: 'What stops or changes this plan' }),
  },
  { title: 'EscalationSimulation' },
);
