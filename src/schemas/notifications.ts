import { type Static, type TSchema, Type } from 'typebox';
import { NOTIFICATION_CHANNELS, NOTIFICATION_PURPOSES, NOTIFICATION_STATUSES } from '../vocabulary.js';

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const NotificationAttemptSchema = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  startedAt: DateTime,
  finishedAt: DateTime,
  outcome: Type.Enum(['sent', 'retryable', 'permanent'], {
    type: 'string',
    description: '`retryable` failures are tried again after a backoff; `permanent` ones are not',
  }),
  error: Nullable(Type.String()),
});

export const NotificationSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    incidentId: Type.String({ format: 'uuid' }),
    cycle: Type.Integer({ description: 'Escalation cycle: 0 first, +1 on each repeat, reopen or re-plan' }),
    step: Type.Integer({ description: 'Escalation step index; -1 for reminders and digests' }),
    channel: Type.Enum([...NOTIFICATION_CHANNELS], { type: 'string' }),
    target: Type.String({ description: 'Stable target key, e.g. user:<uuid>, email:<address>, chat:#incidents' }),
    address: Type.String({ description: 'Where it goes (a webhook shows only its origin: its URL is a credential)' }),
    userId: Nullable(Type.String({ format: 'uuid' })),
    purpose: Type.Enum([...NOTIFICATION_PURPOSES], { type: 'string' }),
    status: Type.Enum([...NOTIFICATION_STATUSES], {
      type: 'string',
      description:
        'pending → sending → sent or failed; throttled: held by the per-person throttle and folded into the digest `digestId`; ' +
        'cancelled: the incident was acknowledged (pages) or resolved before it went out',
    }),
    attempts: Type.Integer({ minimum: 0 }),
    lastError: Nullable(Type.String({ description: 'Why the last attempt failed, or why it was cancelled' })),
    digestId: Nullable(Type.String({ format: 'uuid', description: 'The digest a throttled notification was folded into' })),
    createdAt: DateTime,
    nextAttemptAt: Nullable(Type.String({ format: 'date-time', description: 'When a retry is due' })),
    sentAt: Nullable(DateTime),
    failedAt: Nullable(DateTime),
    updatedAt: DateTime,
    attemptLog: Type.Array(NotificationAttemptSchema, { description: 'Every attempt, oldest first' }),
  },
  { $id: 'Notification', title: 'Notification' },
);
export type Notification = Static<typeof NotificationSchema>;

export const NotificationListSchema = Type.Object(
  {
    items: Type.Array(Type.Ref('Notification')),
    nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page' })),
  },
  { title: 'NotificationList' },
);
export type NotificationList = { items: Notification[]; nextCursor: string | null };

export const ListNotificationsQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "Opaque: a previous page's nextCursor" })),
  },
  { additionalProperties: false },
);
export type ListNotificationsQuery = Static<typeof ListNotificationsQuerySchema>;
