/**
 * Source adapters: webhook body → normalized alerts. Routes look an adapter up
 * by source name; everything here is pure (see ./types.ts for the contract).
 */
import { adaptAlertmanager } from './alertmanager.js';
import { adaptDatadog } from './datadog.js';
import { adaptHealth } from './health/index.js';

export const adapters = {
  alertmanager: adaptAlertmanager,
  datadog: adaptDatadog,
  health: adaptHealth,
} as const;

export type AdapterSource = keyof typeof adapters;

export { adaptAlertmanager, alertmanagerSeverity } from './alertmanager.js';
export { adaptDatadog } from './datadog.js';
export { isFingerprint, labelsFingerprint } from './fingerprint.js';
export { adaptHealth, type HealthCheck, HealthCheckSchema } from './health/index.js';
export { type HeartbeatAlertArgs, heartbeatAlert, heartbeatDeadline } from './heartbeat.js';
export {
  MAX_ALERTS_PER_DELIVERY,
  MAX_KEY_LENGTH,
  MAX_LABELS_PER_ALERT,
  MAX_TITLE_LENGTH,
  MAX_VALUE_LENGTH,
} from './limits.js';
export * from './types.js';
