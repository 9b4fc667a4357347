import type { Logger } from 'pino';
import { Type } from 'typebox';
import type { Db } from '../../db/client.js';
import { type Cadence, runReminder } from '../../escalation/reminders.js';
import { checkedTask } from './payload.js';

export const EscalationReminderPayload = Type.Object({
  incidentId: Type.String({ format: 'uuid' }),
  seq: Type.Integer({ minimum: 0 }),
});

/** A status update may be overdue: remind, or look again later, in one transaction. */
export function escalationReminderTask(db: Db, cadence: Cadence, log: Logger) {
  return checkedTask('escalation_reminder', EscalationReminderPayload, log, async (payload) => {
    await db.transaction().execute((trx) => runReminder(trx, payload, new Date(), cadence));
  });
}
