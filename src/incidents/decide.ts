/**
 * The ingestion engine's decisions, as pure functions of what was gathered
 * (gather → decide → apply): what one alert of a delivery does, and how an
 * incident settles afterwards. No database, no clock: `now` is passed in, so
 * every rule here is unit-tested in milliseconds (test/unit/decide.test.ts).
 */
import type { AlertRow, IncidentRow } from '../db/schema.js';
import type { NormalizedAlert, SeverityDecision } from '../ingest/types.js';
import { decideTransition } from './lifecycle.js';
import { incidentSeverity } from './severity.js';

/** What the engine knows of an alert before this delivery (its row, if it has one). */
export type AlertState = Pick<AlertRow, 'status' | 'incident_id' | 'starts_at' | 'ends_at' | 'fired_at'>;

export type AlertDecision =
  /** Firing and already counted in its open incident: a repeat (counters, text and severity only). */
  | { kind: 'repeat' }
  /** Starts, re-fires or joins: check silences, then open, join or reopen an incident. */
  | { kind: 'fire' }
  /** A firing that began before the recorded resolution arrived late: recorded, nothing reopens. */
  | { kind: 'stale-firing' }
  /** Ends the alert's current firing. */
  | { kind: 'resolve' }
  /** A resolve about an earlier firing (replayed or re-sent late): counters only. */
  | { kind: 'stale-resolve' }
  /** A resolve with nothing firing (unknown, suppressed or already resolved): recorded, opens nothing. */
  | { kind: 'record-resolved'; repeat: boolean };

type Incoming = Pick<NormalizedAlert, 'status' | 'startsAt' | 'endsAt'>;

/** How far ahead of Klaxon's clock a sender's clock may run before its times are not trusted (as signatures). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Decides what one alert of a delivery does. `openIncidentId` is the group's open
 * incident (null when it has none); `now` is when this delivery arrived.
 */
export function decideAlert(existing: AlertState | undefined, alert: Incoming, openIncidentId: string | null, now: Date): AlertDecision {
  if (alert.status === 'resolved') {
    if (existing?.status !== 'firing' || !existing.incident_id) {
      return { kind: 'record-resolved', repeat: existing?.status === 'resolved' };
    }
    return isStaleResolve(existing, alert, now) ? { kind: 'stale-resolve' } : { kind: 'resolve' };
  }
  if (existing?.status === 'firing' && openIncidentId !== null && existing.incident_id === openIncidentId) return { kind: 'repeat' };
  if (existing?.status === 'resolved' && isStaleFiring(existing, alert)) return { kind: 'stale-firing' };
  return { kind: 'fire' };
}

/**
 * A resolve is applied only when it is about the alert's current firing.
 * - When the source reports both times (Alertmanager's startsAt/endsAt, Datadog's
 *   date, a health check's observed time), the resolve is stale if it ended at or
 *   before the current firing started: the resolve of an earlier firing.
 * - Otherwise arrival order decides: a resolve that arrived before the delivery
 *   that fired the alert (and lost the race to the database) is stale. Clocks are
 *   never mixed: a sender's time is compared only with the same sender's time.
 * Adapters fill a missing end with the receive time, so an end equal to `now` is
 * not a reported time. A reported start further in the future than MAX_CLOCK_SKEW_MS
 * is not trusted either: a wrong clock (or year) there would make every real resolve
 * look stale and keep the incident open for ever.
 */
export function isStaleResolve(existing: AlertState, alert: Incoming, now: Date): boolean {
  const reportedEnd = alert.endsAt && alert.endsAt.getTime() !== now.getTime() ? alert.endsAt : null;
  const start = existing.starts_at;
  const trustedStart = start && start.getTime() <= now.getTime() + MAX_CLOCK_SKEW_MS ? start : null;
  if (reportedEnd && trustedStart) return reportedEnd.getTime() <= trustedStart.getTime();
  return existing.fired_at !== null && now.getTime() < existing.fired_at.getTime();
}

/** A firing that started at or before the recorded end of the alert's last firing. */
export function isStaleFiring(existing: AlertState, alert: Incoming): boolean {
  return !!(existing.ends_at && alert.startsAt && alert.startsAt.getTime() <= existing.ends_at.getTime());
}

/** What the engine gathered about an incident after applying a group's alerts. */
export interface SettleInput {
  incident: Pick<IncidentRow, 'status' | 'severity' | 'severity_reason' | 'severity_overridden' | 'firing_count' | 'truncated_alerts'>;
  /** Alerts in the incident, and how many of them fire. */
  total: number;
  firing: number;
  /** The most severe alert, when the incident has any. */
  top: SeverityDecision | undefined;
  /** Alerts the sender left out of this delivery. */
  truncated: number;
  promoteAfterAlerts: number | null;
}

export interface SettleDecision {
  severity: SeverityDecision;
  severityChanged: boolean;
  resolve: boolean;
  /** Everything shown resolved but the sender truncated alerts, newly so: say why it stays open. */
  announceDeferral: boolean;
}

/** Counts, severity (never lowered) and resolution when nothing fires, except while the sender truncates. */
export function decideSettle(input: SettleInput): SettleDecision {
  const { incident, top } = input;
  const current = { severity: incident.severity, reason: incident.severity_reason };
  const severity = top
    ? incidentSeverity({
        current,
        overridden: incident.severity_overridden,
        highestAlert: top,
        distinctAlerts: input.total,
        promoteAfterAlerts: input.promoteAfterAlerts,
      })
    : current;
  // The lifecycle's rule, shared with the API: only an open incident can be resolved.
  const quiet = input.firing === 0 && decideTransition(incident.status, { type: 'resolve' }).ok;
  return {
    severity,
    severityChanged: severity.severity !== incident.severity,
    resolve: quiet && input.truncated === 0,
    announceDeferral: quiet && input.truncated > 0 && (incident.firing_count > 0 || incident.truncated_alerts !== input.truncated),
  };
}
