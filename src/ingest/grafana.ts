/**
 * Grafana Alerting's webhook contact point (payload `version: "1"`) → normalized alerts.
 *
 * The body is Alertmanager's webhook with Grafana's additions, so it is decoded as Alertmanager's
 * (groupKey `<receiver>:<groupKey>`, severity from the `severity` label, truncation honoured), then:
 * identity: Grafana's `fingerprint`, taken as an opaque string — Grafana hashes labels it strips
 *   before sending, so it cannot be recomputed (the computed fallback serves only a body without one).
 * annotations: `dashboardURL`, `panelURL`, `silenceURL`, `imageURL` (links), `values` (JSON) and
 *   `valueString` are kept on the alert; the alert's link stays `generatorURL` (the rule).
 */
import { adaptAlertmanager } from './alertmanager.js';
import { isRecord, MAX_VALUE_LENGTH, storable } from './limits.js';
import type { Adapter } from './types.js';

const LINKS = ['dashboardURL', 'panelURL', 'silenceURL', 'imageURL'] as const;
const MAX_FINGERPRINT = 256;

/** A body Grafana sent: `version` "1" and an `orgId` (Alertmanager's say "4" and have none). */
export function isGrafanaBody(body: unknown): boolean {
  return isRecord(body) && body.version === '1' && body.orgId !== undefined;
}

export const adaptGrafana: Adapter = (body, ctx) => {
  const result = adaptAlertmanager(body, ctx);
  const raw = (body as { alerts: unknown[] }).alerts;
  // adaptAlertmanager keeps every alert in order (it throws on any bad one), so indexes line up.
  result.alerts.forEach((alert, i) => {
    const source = raw[i];
    if (!isRecord(source)) return;
    const fingerprint = source.fingerprint;
    if (typeof fingerprint === 'string' && fingerprint.trim() !== '' && fingerprint.length <= MAX_FINGERPRINT) {
      alert.identity = storable(fingerprint.trim());
    }
    for (const name of LINKS) {
      const value = source[name];
      if (typeof value === 'string' && value !== '' && value.length <= MAX_VALUE_LENGTH) alert.annotations[name] = storable(value);
    }
    if (isRecord(source.values)) {
      const values = JSON.stringify(source.values);
      if (values.length <= MAX_VALUE_LENGTH) alert.annotations.values = values;
    }
    if (typeof source.valueString === 'string' && source.valueString !== '' && source.valueString.length <= MAX_VALUE_LENGTH) {
      alert.annotations.valueString = storable(source.valueString);
    }
  });
  return result;
};
