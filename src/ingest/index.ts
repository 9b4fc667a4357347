/**
 * Source adapters: webhook body → normalized alerts. Routes look an adapter up
 * by source name; everything here is pure (see ./types.ts for the contract).
 */
import { adaptAlertmanager } from './alertmanager.js';
import { adaptDatadog } from './datadog.js';
import { adaptGrafana, isGrafanaBody } from './grafana.js';
import { adaptHealth } from './health/index.js';
import type { Adapter } from './types.js';

/** The Alertmanager endpoint also reads Grafana's webhook, recognised by `version: "1"` and `orgId`. */
const alertmanagerOrGrafana: Adapter = (body, ctx) => (isGrafanaBody(body) ? adaptGrafana(body, ctx) : adaptAlertmanager(body, ctx));

export const adapters = {
  alertmanager: alertmanagerOrGrafana,
  datadog: adaptDatadog,
  health: adaptHealth,
  grafana: adaptGrafana,
} as const;

export type AdapterSource = keyof typeof adapters;

export { adaptAlertmanager, alertmanagerSeverity } from './alertmanager.js';
export { adaptDatadog } from './datadog.js';
export { isFingerprint, labelsFingerprint } from './fingerprint.js';
export { adaptGrafana, isGrafanaBody } from './grafana.js';
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
