import { type Static, Type } from 'typebox';
import { ROLES } from '../vocabulary.js';

export const RoleSchema = Type.Enum([...ROLES], {
  type: 'string',
  description: 'viewer reads; responder also changes incidents; admin also manages keys and integrations',
});
export type Role = Static<typeof RoleSchema>;

export const ApiKeySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    role: RoleSchema,
    prefix: Type.String({
      description: 'First characters of a generated key, to recognise it; empty for a key a person chose (KLAXON_ADMIN_KEY)',
    }),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'ApiKey', title: 'ApiKey' },
);
export type ApiKey = Static<typeof ApiKeySchema>;

export const CreateApiKeyBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f]+$' }),
    role: RoleSchema,
  },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBodySchema>;

export const CreatedApiKeySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    role: RoleSchema,
    prefix: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    key: Type.String({ description: 'The secret. Shown only in this response; store it now.' }),
  },
  { title: 'CreatedApiKey' },
);

export const ApiKeyListSchema = Type.Object({ items: Type.Array(Type.Ref('ApiKey')) });

export const ListApiKeysQuerySchema = Type.Object(
  { includeRevoked: Type.Optional(Type.Boolean({ default: false, description: 'Also list revoked keys' })) },
  { additionalProperties: false },
);
