import type { Logger } from 'pino';
import { Type } from 'typebox';
import type { Db } from '../../db/client.js';
import type { IngestSettings } from '../../incidents/deliveries.js';
import { checkHeartbeat } from '../../integrations/heartbeats.js';
import { checkedTask } from './payload.js';

export const HeartbeatCheckPayload = Type.Object({ integrationId: Type.String({ format: 'uuid' }) });

/** A heartbeat's deadline came: raise the missed-heartbeat alert unless a beat moved it. */
export function heartbeatCheckTask(db: Db, settings: IngestSettings, log: Logger) {
  return checkedTask('heartbeat_check', HeartbeatCheckPayload, log, async ({ integrationId }) => {
    const raised = await checkHeartbeat(db, integrationId, new Date(), settings);
    if (raised) log.warn({ integrationId, alerts: raised.alerts }, 'heartbeat missed');
  });
}
