import { requeueStranded } from '../../notify/recover.js';
import type { NotifyDeps } from '../../notify/sender.js';

/** Every minute (crontab): re-arm notifications whose sending process died. Takes no payload. */
export function notificationRecoverTask(deps: NotifyDeps) {
  return async () => {
    const requeued = await requeueStranded(deps.db, deps.settings.claimTimeoutMs);
    if (requeued > 0) deps.log.warn({ requeued }, 'notifications re-armed after a stopped process');
  };
}
