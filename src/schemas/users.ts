import { type Static, Type } from 'typebox';

const DateTime = Type.String({ format: 'date-time' });
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$' });
/** An IANA time zone name; checked against Node's zone data by the domain code. */
export const TimeZoneSchema = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_+\\-/]+$',
  description: 'IANA time zone, e.g. Europe/Berlin (default UTC)',
});

const contact = {
  email: Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()], { description: 'Where emails and pages go' }),
  chatHandle: Type.Union([Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f]+$' }), Type.Null()], {
    description: 'Chat handle, e.g. @alice',
  }),
  pagerAddress: Type.Union([Type.String({ minLength: 1, maxLength: 500, pattern: '^[^\\u0000-\\u001f]+$' }), Type.Null()], {
    description: "The person's address at the pager provider; pages go there as well as by email",
  }),
};

export const CreateUserBodySchema = Type.Object(
  {
    name: Name,
    email: Type.Optional(contact.email),
    chatHandle: Type.Optional(contact.chatHandle),
    pagerAddress: Type.Optional(contact.pagerAddress),
    timeZone: Type.Optional(TimeZoneSchema),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBodySchema>;

export const UpdateUserBodySchema = Type.Object(
  {
    name: Type.Optional(Name),
    email: Type.Optional(contact.email),
    chatHandle: Type.Optional(contact.chatHandle),
    pagerAddress: Type.Optional(contact.pagerAddress),
    timeZone: Type.Optional(TimeZoneSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBodySchema>;

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    chatHandle: Type.Union([Type.String(), Type.Null()]),
    pagerAddress: Type.Union([Type.String(), Type.Null()]),
    timeZone: Type.String(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'User', title: 'User', description: 'A person Klaxon can page or notify' },
);
export type User = Static<typeof UserSchema>;

export const UserListSchema = Type.Object({ items: Type.Array(Type.Ref('User')) });
