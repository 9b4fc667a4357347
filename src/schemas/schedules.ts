import { type Static, Type } from 'typebox';
import { TimeZoneSchema } from './users.js';

const DateTime = Type.String({ format: 'date-time' });
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$' });
const Uuid = Type.String({ format: 'uuid' });

export const LayerSchema = Type.Object(
  {
    name: Name,
    users: Type.Array(Uuid, { maxItems: 100, description: 'User ids in rotation order; the first takes the first shift' }),
    rotation: Type.Object(
      {
        unit: Type.Enum(['hours', 'days', 'weeks'], { type: 'string' }),
        length: Type.Integer({ minimum: 1, maximum: 1000 }),
      },
      { additionalProperties: false, description: 'Shift length, counted on the wall clock of the layer time zone' },
    ),
    handoffTime: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Local hand-off time, HH:MM (24 h)' }),
    startDate: Type.String({ format: 'date', description: 'Date of the first hand-off (YYYY-MM-DD, local); nobody before it' }),
    timeZone: Type.Optional(TimeZoneSchema),
  },
  { additionalProperties: false, title: 'Layer', description: 'A rotation; the layers of a schedule are on call together' },
);

const settings = {
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  timeZone: Type.Optional(TimeZoneSchema),
  layers: Type.Optional(Type.Array(LayerSchema, { maxItems: 20 })),
};

export const CreateScheduleBodySchema = Type.Object({ name: Name, ...settings }, { additionalProperties: false });
export type CreateScheduleBody = Static<typeof CreateScheduleBodySchema>;
export const UpdateScheduleBodySchema = Type.Object(
  { name: Type.Optional(Name), ...settings },
  { additionalProperties: false, minProperties: 1, description: 'Fields left out are unchanged; `layers` replaces all layers' },
);
export type UpdateScheduleBody = Static<typeof UpdateScheduleBodySchema>;

export const ScheduleSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    description: Type.String(),
    timeZone: Type.String(),
    layers: Type.Array(LayerSchema),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Schedule', title: 'Schedule' },
);
export type ScheduleWire = Static<typeof ScheduleSchema>;
export const ScheduleListSchema = Type.Object({ items: Type.Array(Type.Ref('Schedule')) });

export const CreateOverrideBodySchema = Type.Object(
  { userId: Uuid, start: DateTime, end: DateTime },
  { additionalProperties: false, description: 'Who is on call instead of the layers, from start (inclusive) to end (exclusive)' },
);
export type CreateOverrideBody = Static<typeof CreateOverrideBodySchema>;
export const OverrideSchema = Type.Object(
  { id: Uuid, scheduleId: Uuid, userId: Uuid, start: DateTime, end: DateTime, createdAt: DateTime },
  { $id: 'ScheduleOverride', title: 'ScheduleOverride' },
);
export const OverrideListSchema = Type.Object({ items: Type.Array(Type.Ref('ScheduleOverride')) });
export const ListOverridesQuerySchema = Type.Object(
  { includePast: Type.Optional(Type.Boolean({ description: 'Include overrides that have ended (default false)' })) },
  { additionalProperties: false },
);
export const OverrideParamsSchema = Type.Object({ id: Uuid, overrideId: Uuid });

export const OnCallQuerySchema = Type.Object(
  { at: Type.Optional(Type.String({ format: 'date-time', description: 'The instant to ask about (default now)' })) },
  { additionalProperties: false },
);
export const OnCallSchema = Type.Object(
  {
    scheduleId: Uuid,
    at: DateTime,
    users: Type.Array(Type.Object({ id: Uuid, name: Type.String() }), { description: 'Who is on call, each once' }),
    shifts: Type.Array(
      Type.Object({
        userId: Uuid,
        userName: Type.String(),
        source: Type.Union([
          Type.Object({ type: Type.Literal('layer'), index: Type.Integer(), name: Type.String() }),
          Type.Object({ type: Type.Literal('override'), id: Uuid }),
        ]),
        start: DateTime,
        end: Type.Union([DateTime, Type.Null()], { description: 'The next hand-off; null when the shift never changes hands' }),
      }),
    ),
  },
  { title: 'OnCall' },
);
