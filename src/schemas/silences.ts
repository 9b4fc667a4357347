import { type Static, Type } from 'typebox';

const DateTime = Type.String({ format: 'date-time' });

export const MatcherSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 256,
      pattern: '^[^\\u0000-\\u001f]+$',
      description: 'Label name; an alert without the label is matched as if its value were ""',
    }),
    value: Type.String({
      maxLength: 1024,
      pattern: '^[^\\u0000]*$',
      description:
        'Exact value, or with isRegex a regex anchored at both ends (RE2 syntax, as Alertmanager: matched in linear time; no backreferences or lookarounds)',
    }),
    isRegex: Type.Optional(Type.Boolean({ default: false })),
    isEqual: Type.Optional(Type.Boolean({ default: true, description: 'false negates the matcher (!= or !~)' })),
  },
  { additionalProperties: false, title: 'Matcher', description: 'Label matcher as Alertmanager spells it: =, !=, =~, !~' },
);
export type MatcherInput = Static<typeof MatcherSchema>;

export const SilenceStatusSchema = Type.Enum(['pending', 'active', 'expired'], {
  type: 'string',
  description: 'Computed at read time: pending before startsAt, active until endsAt, expired after (or once deleted)',
});
export type SilenceStatus = Static<typeof SilenceStatusSchema>;

/** Matchers on the way out always carry both flags. */
const StoredMatcherSchema = Type.Object({
  name: Type.String(),
  value: Type.String(),
  isRegex: Type.Boolean(),
  isEqual: Type.Boolean(),
});

export const SilenceSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    matchers: Type.Array(StoredMatcherSchema, { description: 'All must match for an alert to be silenced' }),
    startsAt: DateTime,
    endsAt: Type.String({ format: 'date-time', description: 'Set to the expiry time when a silence is expired early' }),
    comment: Type.String(),
    createdBy: Type.String({ description: 'Name of the API key that created the silence' }),
    createdAt: DateTime,
    status: SilenceStatusSchema,
  },
  { $id: 'Silence', title: 'Silence' },
);
export type Silence = Static<typeof SilenceSchema>;

export const CreateSilenceBodySchema = Type.Object(
  {
    matchers: Type.Array(MatcherSchema, { minItems: 1, maxItems: 32 }),
    startsAt: Type.Optional(Type.String({ format: 'date-time', description: 'Defaults to now; a time in the past is moved to now' })),
    endsAt: Type.String({ format: 'date-time', description: 'Must be after startsAt and in the future' }),
    comment: Type.String({ minLength: 1, maxLength: 1000, pattern: '^[^\\u0000]+$' }),
  },
  { additionalProperties: false },
);
export type CreateSilenceBody = Static<typeof CreateSilenceBodySchema>;

export const SilenceStateFilterSchema = Type.Enum(['unexpired', 'active', 'pending', 'expired', 'all'], {
  type: 'string',
  default: 'unexpired',
  description: 'unexpired (the default) = active and pending: every silence that mutes, or will mute, alerts',
});
export type SilenceStateFilter = Static<typeof SilenceStateFilterSchema>;

export const ListSilencesQuerySchema = Type.Object({ state: Type.Optional(SilenceStateFilterSchema) }, { additionalProperties: false });
