import { Type } from 'typebox';
import { type NotifyDeps, sendNotification } from '../../notify/sender.js';
import { checkedTask } from './payload.js';

export const NotificationSendPayload = Type.Object({ notificationId: Type.String({ format: 'uuid' }) });

/** Claims, sends and records one notification of the outbox (notify/sender.ts). */
export function notificationSendTask(deps: NotifyDeps) {
  return checkedTask('notification_send', NotificationSendPayload, deps.log, async ({ notificationId }) => {
    await sendNotification(deps, notificationId);
  });
}
