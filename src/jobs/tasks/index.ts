/**
 * Every durable task Klaxon runs: names and payload types declared once here
 * (graphile-worker's GraphileWorker.Tasks), one thin file per task beside this one.
 */
import type { TaskList } from 'graphile-worker';
import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import { escalateNow } from '../../escalation/hooks.js';
import { createChannels } from '../../notify/channels/index.js';
import type { DigestPayload } from '../../notify/digest.js';
import type { EscalateNow, NotifyDeps } from '../../notify/sender.js';
import { type NotifySettings, notifySettings } from '../../notify/settings.js';
import { escalationReminderTask } from './escalation-reminder.js';
import { escalationStepTask } from './escalation-step.js';
import { heartbeatCheckTask } from './heartbeat-check.js';
import { maintenancePruneTask, type PruneSettings } from './maintenance-prune.js';
import { notificationDigestTask } from './notification-digest.js';
import { notificationRecoverTask } from './notification-recover.js';
import { notificationSendTask } from './notification-send.js';

declare global {
  namespace GraphileWorker {
    interface Tasks {
      maintenance_prune: Record<string, never>;
      heartbeat_check: { integrationId: string };
      notification_send: { notificationId: string };
      notification_digest: DigestPayload;
      notification_recover: Record<string, never>;
      escalation_step: { incidentId: string; cycle: number; step: number };
      escalation_reminder: { incidentId: string; seq: number };
    }
  }
}

export interface JobSettings extends PruneSettings {
  deliveryBodyMax: number;
  /** How notifications go out; unset = no channel configured (every send fails as not configured). */
  notify?: NotifySettings;
  /** Fires an incident's next escalation step when a notification finally fails. */
  escalateNow?: EscalateNow;
}

/** The task list the runner (and the tests' runDueJobs) works from. */
export function buildTaskList(db: Db, settings: JobSettings, log: Logger): TaskList {
  const notify = settings.notify ?? notifySettings({});
  const policy = notify.policy; // KLAXON_ACK_TARGETS and KLAXON_UPDATE_CADENCE, as the messages state them
  const deps: NotifyDeps = {
    db,
    channels: createChannels(notify),
    settings: notify,
    log: log.child({ component: 'notify' }),
    escalateNow: settings.escalateNow ?? escalateNow,
  };
  return {
    maintenance_prune: maintenancePruneTask(db, settings, log),
    heartbeat_check: heartbeatCheckTask(db, { bodyMax: settings.deliveryBodyMax, policy }, log),
    notification_send: notificationSendTask(deps),
    notification_digest: notificationDigestTask(deps),
    notification_recover: notificationRecoverTask(deps),
    escalation_step: escalationStepTask(db, log),
    escalation_reminder: escalationReminderTask(db, policy.updateCadenceSeconds, log),
  };
}
