import type { Logger } from 'pino';
import { Type } from 'typebox';
import type { Db } from '../../db/client.js';
import { runEscalationStep } from '../../escalation/engine.js';
import { checkedTask } from './payload.js';

export const EscalationStepPayload = Type.Object({
  incidentId: Type.String({ format: 'uuid' }),
  cycle: Type.Integer({ minimum: 0 }),
  step: Type.Integer({ minimum: 0 }),
});

/** An escalation timer came due: fire the step (or stop), arm the next, in one transaction. */
export function escalationStepTask(db: Db, log: Logger) {
  return checkedTask('escalation_step', EscalationStepPayload, log, async (payload) => {
    await db.transaction().execute((trx) => runEscalationStep(trx, payload, new Date()));
  });
}
