import { Type } from 'typebox';
import { assembleDigest } from '../../notify/digest.js';
import type { NotifyDeps } from '../../notify/sender.js';
import { NOTIFICATION_CHANNELS } from '../../vocabulary.js';
import { checkedTask } from './payload.js';

export const NotificationDigestPayload = Type.Object({
  userId: Type.String({ format: 'uuid' }),
  channel: Type.Enum([...NOTIFICATION_CHANNELS]),
  address: Type.String({ minLength: 1 }),
});

/** A person's throttle window admits one more: fold what it held into one digest and queue it. */
export function notificationDigestTask(deps: NotifyDeps) {
  return checkedTask('notification_digest', NotificationDigestPayload, deps.log, async (payload) => {
    await assembleDigest(deps.db, payload);
  });
}
