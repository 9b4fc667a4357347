/** Request bodies of the responders' actions on an incident. */
import { type Static, Type } from 'typebox';
import { CHANGE_KINDS, SEVERITIES, WORKING_STATUSES } from '../vocabulary.js';

const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const Severity = Type.Enum([...SEVERITIES], { type: 'string' });

export const DeclareIncidentBodySchema = Type.Object(
  {
    title: Text(300),
    severity: Severity,
    service: Type.Optional(Text(200)),
    impact: Type.Optional(Text(2000, 'What users are experiencing')),
    summary: Type.Optional(Text(4000)),
    commander: Type.Optional(Text(200, 'The incident commander, by name')),
  },
  { additionalProperties: false },
);
export type DeclareIncidentBody = Static<typeof DeclareIncidentBodySchema>;

export const MessageBodySchema = Type.Object(
  { message: Type.Optional(Text(4000, 'Said on the timeline with the action')) },
  { additionalProperties: false },
);

export const StatusBodySchema = Type.Object(
  {
    status: Type.Enum([...WORKING_STATUSES, 'resolved'], { type: 'string' }),
    message: Type.Optional(Text(4000)),
  },
  { additionalProperties: false },
);

export const PatchIncidentBodySchema = Type.Object(
  {
    title: Type.Optional(Text(300)),
    summary: Type.Optional(Type.Union([Text(4000), Type.Null()])),
    impact: Type.Optional(Type.Union([Text(2000), Type.Null()])),
    severity: Type.Optional(Severity),
    severityReason: Type.Optional(Text(1000, 'Required with severity: why a person overrides it')),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchIncidentBody = Static<typeof PatchIncidentBodySchema>;

export const RoleBodySchema = Type.Union(
  [
    Type.Object({ name: Text(200, 'A free-text name') }, { additionalProperties: false }),
    Type.Object(
      { apiKeyId: Type.String({ format: 'uuid', description: 'An API key whose holder takes the role (its name is shown)' }) },
      {
        additionalProperties: false,
      },
    ),
  ],
  { description: 'Either a name or an API key id' },
);

export const NoteBodySchema = Type.Object({ text: Text(8000) }, { additionalProperties: false });

export const ChecklistBodySchema = Type.Object({ done: Type.Boolean() }, { additionalProperties: false });

export const CreateChangeBodySchema = Type.Object(
  {
    kind: Type.Enum([...CHANGE_KINDS], { type: 'string' }),
    service: Text(200),
    summary: Text(1000, 'e.g. "v2.3.1" or "raise pool size to 50"'),
    link: Type.Optional(Type.String({ maxLength: 2000, pattern: '^https?://' })),
    author: Type.Optional(Text(200)),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'When it took effect; default now' })),
  },
  { additionalProperties: false },
);
export type CreateChangeBody = Static<typeof CreateChangeBodySchema>;
