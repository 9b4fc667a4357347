import { type Static, Type } from 'typebox';

export const PagerCallbackBodySchema = Type.Object(
  {
    action: Type.Enum(['acknowledge', 'resolve', 'escalate'], {
      type: 'string',
      description: "`escalate` fires the incident's next escalation step now",
    }),
    incidentId: Type.Optional(Type.String({ format: 'uuid', description: 'The incident, by id' })),
    dedupKey: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'The incident, by the dedup key Klaxon sent with the page (its id)' }),
    ),
    responder: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[^\\u0000-\\u001f]+$',
      description: 'Who acted: a name, email or pager user id, recorded on the timeline',
    }),
    message: Type.Optional(Type.String({ maxLength: 2000, description: 'A note recorded with the action' })),
  },
  { additionalProperties: false, title: 'PagerCallback' },
);
export type PagerCallbackBody = Static<typeof PagerCallbackBodySchema>;

export const PagerCallbackResultSchema = Type.Object(
  {
    incidentId: Type.String({ format: 'uuid' }),
    incidentNumber: Type.Integer(),
    action: Type.String(),
    changed: Type.Boolean({ description: 'False when the incident already was where the action would take it' }),
    status: Type.String({ description: "The incident's status after the action" }),
  },
  { title: 'PagerCallbackResult' },
);
export type PagerCallbackResult = Static<typeof PagerCallbackResultSchema>;
