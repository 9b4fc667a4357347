/**
 * The repeat path: a delivery whose every alert is already firing, unchanged in severity and
 * group, in an open incident (Alertmanager's re-sends, an HA pair's twins, a health checker
 * resending while down) only counts sightings and records the delivery. This module decides
 * (purely) whether a delivery is such a repeat, from what this process last saw of each alert;
 * `repeat-store.ts` applies many of them in one guarded statement, which re-checks everything
 * decided here against the database and applies nothing of a delivery that no longer holds.
 * What this process remembers is a hint, never trusted: a stale hint costs one wasted attempt.
 */
import type { Db } from '../db/client.js';
import type { Severity } from '../vocabulary.js';
import type { AlertSummary } from './engine.js';
import type { PreparedAlert } from './incident-store.js';

/** What the last committed delivery said about an alert: it fires in this open incident. */
export interface KnownAlert {
  incidentId: string;
  incidentNumber: number;
  severity: Severity;
  groupKey: string;
}

/** The alerts this process last saw firing, by integration and identity; bounded, oldest out first. */
export class AlertMemory {
  private readonly known = new Map<string, KnownAlert>();

  constructor(private readonly max = 50_000) {}

  get(integrationId: string, identity: string): KnownAlert | undefined {
    return this.known.get(`${integrationId}\u0000${identity}`);
  }

  /** Remembers an alert firing in an incident, or forgets it (`undefined`). */
  set(integrationId: string, identity: string, alert: KnownAlert | undefined): void {
    const key = `${integrationId}\u0000${identity}`;
    this.known.delete(key);
    if (!alert) return;
    if (this.known.size >= this.max) this.known.delete(this.known.keys().next().value!);
    this.known.set(key, alert);
  }
}

const memories = new WeakMap<Db, AlertMemory>();

/** What this process remembers of the alerts in this database (one memory per database). */
export function alertMemory(db: Db): AlertMemory {
  const memory = memories.get(db) ?? new AlertMemory();
  memories.set(db, memory);
  return memory;
}

/** One alert of a planned repeat: what to write, and the state the database must still be in. */
export interface RepeatAlert {
  alert: PreparedAlert;
  expected: KnownAlert;
}

export interface RepeatPlan {
  alerts: RepeatAlert[];
  /** The answer, as the full path would give it: every alert a duplicate in its incident. */
  summaries: AlertSummary[];
}

/**
 * A repeat when every alert fires, names its details (a bare "it resolved" never comes here),
 * and was last seen firing with the same severity and group; null sends the delivery down the
 * full path. A delivery without alerts is not a repeat either (it has nothing to count).
 */
export function planRepeat(alerts: PreparedAlert[], known: (identity: string) => KnownAlert | undefined): RepeatPlan | null {
  if (alerts.length === 0) return null;
  const planned: RepeatAlert[] = [];
  for (const alert of alerts) {
    const expected = known(alert.identity);
    if (alert.status !== 'firing' || alert.detailsOmitted || !expected) return null;
    if (expected.severity !== alert.decided.severity || expected.groupKey !== alert.groupKey) return null;
    planned.push({ alert, expected });
  }
  return {
    alerts: planned,
    summaries: planned.map(({ alert, expected }) => ({
      identity: alert.identity,
      incidentId: expected.incidentId,
      incidentNumber: expected.incidentNumber,
      outcome: 'duplicate' as const,
    })),
  };
}

/**
 * What a committed full-path delivery teaches: an alert it left firing in an open incident is
 * remembered with that incident; anything else it touched (resolved, suppressed, stale) is forgotten.
 */
export function learned(alerts: PreparedAlert[], summaries: AlertSummary[]): [string, KnownAlert | undefined][] {
  const byIdentity = new Map(summaries.map((s) => [s.identity, s]));
  return alerts.map((alert) => {
    const s = byIdentity.get(alert.identity);
    const fires = alert.status === 'firing' && s && ['created', 'updated', 'reopened', 'duplicate'].includes(s.outcome);
    if (!fires || !s.incidentId || s.incidentNumber === null) return [alert.identity, undefined];
    return [
      alert.identity,
      { incidentId: s.incidentId, incidentNumber: s.incidentNumber, severity: alert.decided.severity, groupKey: alert.groupKey },
    ];
  });
}
