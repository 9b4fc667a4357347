/** Wire schemas of post-mortems and action items. */
import { type Static, type TSchema, Type } from 'typebox';
import { ACTION_ITEM_PRIORITIES, ACTION_ITEM_STATUSES, POSTMORTEM_STATUSES, SEVERITIES } from '../vocabulary.js';

const Text = (maxLength: number) => Type.String({ maxLength });
const Items = (description: string) => Type.Array(Text(2000), { maxItems: 100, description });
const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });

const FiveWhys = Type.Array(
  Type.Object(
    { question: Type.String({ minLength: 1, maxLength: 2000 }), answer: Type.String({ maxLength: 2000 }) },
    { additionalProperties: false },
  ),
  { maxItems: 10, description: 'Why? → because …, in order, leading to the root cause' },
);
const Timeline = Type.Array(Type.Object({ at: DateTime(), event: Text(2000) }, { additionalProperties: false }), {
  maxItems: 500,
  description: 'Minute by minute; pre-filled from the incident timeline',
});

const ContentProps = {
  summary: Text(8000),
  impact: Text(8000),
  rootCause: Text(8000),
  contributingFactors: Items('Contributing factors'),
  wentWell: Items('What went well'),
  couldImprove: Items('What could be improved (the seeds: what went poorly)'),
  fiveWhys: FiveWhys,
  lessons: Items('Lessons learned'),
  prevention: Items('To prevent similar incidents'),
  timeline: Timeline,
};

export const PostmortemEditSchema = Type.Object(
  Object.fromEntries(Object.entries(ContentProps).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof ContentProps]: ReturnType<typeof Type.Optional<(typeof ContentProps)[K]>>;
  },
  { additionalProperties: false, minProperties: 1, description: 'The sections to replace; the others stay' },
);

export const PostmortemSchema = Type.Object(
  {
    incidentId: Type.String({ format: 'uuid' }),
    title: Type.String(),
    severity: Type.Enum([...SEVERITIES], { type: 'string' }),
    commander: Nullable(Type.String()),
    startedAt: DateTime(),
    resolvedAt: Nullable(DateTime()),
    durationSeconds: Type.Integer({ minimum: 0, description: 'Opened to resolved (or to now, while open)' }),
    status: Type.Enum([...POSTMORTEM_STATUSES], { type: 'string' }),
    dueAt: Nullable(DateTime('SEV1/SEV2: 48 hours after resolution')),
    version: Type.Integer({ minimum: 1, description: 'The ETag is this number in quotes, for If-Match' }),
    createdBy: Type.String(),
    createdAt: DateTime(),
    updatedAt: DateTime(),
    publishedAt: Nullable(DateTime()),
    ...ContentProps,
  },
  { title: 'Postmortem' },
);

export const ActionItemSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    incidentId: Type.String({ format: 'uuid' }),
    title: Type.String(),
    owner: Type.String(),
    dueDate: Type.String({ format: 'date' }),
    priority: Type.Enum([...ACTION_ITEM_PRIORITIES], { type: 'string' }),
    status: Type.Enum([...ACTION_ITEM_STATUSES], { type: 'string' }),
    overdue: Type.Boolean({ description: 'Not done, and its due date has passed (UTC)' }),
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { title: 'ActionItem' },
);
export type ActionItem = Static<typeof ActionItemSchema>;

export const NewActionItemSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 500 }),
    owner: Type.String({ minLength: 1, maxLength: 200 }),
    dueDate: Type.String({ format: 'date', description: 'YYYY-MM-DD' }),
    priority: Type.Optional(Type.Enum([...ACTION_ITEM_PRIORITIES], { type: 'string', default: 'medium' })),
  },
  { additionalProperties: false },
);

export const ActionItemPatchSchema = Type.Object(
  { status: Type.Enum([...ACTION_ITEM_STATUSES], { type: 'string' }) },
  { additionalProperties: false },
);

export const ActionItemsQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.Enum([...ACTION_ITEM_STATUSES], { type: 'string' })),
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    overdue: Type.Optional(Type.Boolean({ description: 'Only overdue ones' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })),
  },
  { additionalProperties: false },
);

export const PostmortemDueSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        incidentId: Type.String({ format: 'uuid' }),
        number: Type.Integer(),
        title: Type.String(),
        severity: Type.Enum([...SEVERITIES], { type: 'string' }),
        resolvedAt: DateTime(),
        dueAt: Nullable(DateTime('SEV1/SEV2: 48 hours after resolution')),
        state: Type.Enum(['overdue', 'due', 'review'], {
          type: 'string',
          description: 'overdue: past 48 h; due: inside them; review: SEV3, a lightweight review',
        }),
        postmortem: Type.Enum(['none', 'draft'], { type: 'string' }),
      }),
    ),
  },
  { title: 'PostmortemDueList' },
);

export const IncidentReportSchema = Type.Object(
  {
    title: Type.String(),
    severity: Type.Enum([...SEVERITIES], { type: 'string' }),
    status: Type.String(),
    start: DateTime(),
    end: Nullable(DateTime()),
    durationSeconds: Type.Integer({ minimum: 0 }),
    duration: Type.String({ description: 'e.g. 1h 22m' }),
    summary: Type.String(),
    rootCause: Type.String({ description: "The post-mortem's root cause, else the latest status update's findings, else says none" }),
    timeline: Type.Array(Type.Object({ at: DateTime(), event: Type.String() })),
    actionItems: Type.Array(ActionItemSchema),
  },
  { title: 'IncidentReport' },
);
