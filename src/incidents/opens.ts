/**
 * The open path's decisions (pure): deliveries whose every alert is new, firing in a group with no
 * incident yet (a storm's first wave, a new outage), each opening one incident per group. Many of
 * them are applied together, in one transaction of a few set-based statements (open-store.ts):
 * it gathers what the database holds, this module decides, and the store writes what was decided.
 * A delivery the gathered state does not allow (a key that no longer holds, an alert or incident
 * that exists, a silence that matches, a group or alert another delivery of the batch claimed)
 * is left out and takes the full path (engine.ts), which handles every case. What is written here
 * is exactly what the full path writes for such a delivery (test/webhooks/open-path.test.ts).
 */
import { type EscalationFacts, planStart } from '../escalation/hooks.js';
import type { Policy } from '../escalation/policies.js';
import type { JobSpec } from '../jobs/queue.js';
import type { Severity } from '../vocabulary.js';
import { actorColumns, KLAXON } from './actors.js';
import { decideSettle } from './decide.js';
import type { DeliveryInput } from './deliveries.js';
import { type AlertSummary, createdEvent, firedEvent } from './engine.js';
import type { NewEvent } from './events.js';
import { alertFields, type PreparedAlert } from './incident-store.js';
import type { KnownAlert } from './repeats.js';
import { moreSevere } from './severity.js';
import { type ActiveSilence, silencedBy } from './silences.js';

export interface OpenDelivery {
  input: DeliveryInput;
  /** The key the sender authenticated with: the batch re-checks it. */
  keyHash: string;
  /** The delivery's alerts (prepareAlerts), in the sender's order. */
  alerts: PreparedAlert[];
  truncatedAlerts: number;
  note?: string;
}

/**
 * May take the open path: every alert fires, names its details, and is not one this process saw
 * firing (that is a repeat, or a change the full path handles). The batch checks the rest.
 */
export function mayOpen(alerts: PreparedAlert[], known: (identity: string) => KnownAlert | undefined): boolean {
  return alerts.length > 0 && alerts.every((a) => a.status === 'firing' && !a.detailsOmitted && known(a.identity) === undefined);
}

/** What the batch's transaction read, under the locks of every group in it. */
export interface Gathered {
  /** Deliveries (by index) whose key still holds for an integration neither deleted nor changed. */
  authorized: Set<number>;
  /** Deliveries with an alert that has a row, or a group that has an incident. */
  blocked: Set<number>;
  silences: ActiveSilence[];
  policies: Policy[];
}

export interface OpenPlan {
  /** Index → the delivery's answer, its incident numbers still to fill in (after the insert). */
  answers: Map<number, AlertSummary[]>;
  incidents: Record<string, unknown>[];
  alerts: Record<string, unknown>[];
  /** Timeline events, in the order the full path writes them. */
  events: Record<string, unknown>[];
  escalations: Record<string, unknown>[];
  jobs: JobSpec[];
}

/** Decides each delivery of the batch: opened here, or left (absent from `answers`) for the full path. */
export function planOpens(batch: OpenDelivery[], gathered: Gathered, newId: () => string): OpenPlan {
  const plan: OpenPlan = { answers: new Map(), incidents: [], alerts: [], events: [], escalations: [], jobs: [] };
  const claimedGroups = new Set<string>();
  const claimedAlerts = new Set<string>();
  for (const [ix, d] of batch.entries()) {
    const integrationId = d.input.integration.id;
    const groupsOf = new Set(d.alerts.map((a) => `${integrationId}\u0000${a.groupKey}`));
    const alertsOf = d.alerts.map((a) => `${integrationId}\u0000${a.identity}`);
    const open =
      gathered.authorized.has(ix) &&
      !gathered.blocked.has(ix) &&
      ![...groupsOf].some((g) => claimedGroups.has(g)) &&
      !alertsOf.some((a) => claimedAlerts.has(a)) &&
      !d.alerts.some((a) => silencedBy(gathered.silences, a.labels));
    if (!open) continue;
    for (const g of groupsOf) claimedGroups.add(g);
    for (const a of alertsOf) claimedAlerts.add(a);
    plan.answers.set(ix, openDelivery(plan, d, gathered.policies, newId));
  }
  return plan;
}

/** One delivery's incidents (one per group, groups in sorted order as the full path locks them); its answer. */
function openDelivery(plan: OpenPlan, d: OpenDelivery, policies: Policy[], newId: () => string): AlertSummary[] {
  const { integration, now } = d.input;
  const byGroup = new Map<string, PreparedAlert[]>();
  for (const a of [...d.alerts].sort((x, y) => (x.groupKey < y.groupKey ? -1 : x.groupKey > y.groupKey ? 1 : 0))) {
    const group = byGroup.get(a.groupKey);
    if (group) group.push(a);
    else byGroup.set(a.groupKey, [a]);
  }
  const summaries = new Map<string, AlertSummary>();
  const who = actorColumns({ type: 'integration', id: integration.id, name: integration.name });
  const note = (incidentId: string, e: NewEvent, actor = who) => plan.events.push({ incident_id: incidentId, at: now, ...e, ...actor });
  for (const [groupKey, alerts] of byGroup) {
    const first = alerts[0]!;
    const id = newId();
    // The full path's settle, on the incident it just inserted with the first alert's severity.
    const settled = decideSettle({
      incident: {
        status: 'triggered',
        severity: first.decided.severity,
        severity_reason: first.decided.reason,
        severity_overridden: false,
        firing_count: 0,
        truncated_alerts: 0,
      },
      total: alerts.length,
      firing: alerts.length,
      top: mostSevere(alerts),
      truncated: d.truncatedAlerts,
      promoteAfterAlerts: integration.promoteAfterAlerts,
    }).severity;
    const facts: EscalationFacts = {
      severity: settled.severity,
      service: first.service ?? null,
      integration_id: integration.id,
      status: 'triggered',
    };
    plan.incidents.push({
      id,
      integration_id: integration.id,
      group_key: groupKey,
      title: first.title,
      severity: settled.severity,
      severity_reason: settled.reason,
      service: facts.service,
      alert_count: alerts.length,
      firing_count: alerts.length,
      truncated_alerts: d.truncatedAlerts,
      opened_at: now,
    });
    for (const [i, alert] of alerts.entries()) {
      // Labels and annotations as objects: the store sends every row as one JSON document.
      const fields = alertFields(alert, undefined, now, { status: 'firing', incidentId: id });
      plan.alerts.push({ ...fields, integration_id: integration.id, identity: alert.identity });
      note(id, i === 0 ? createdEvent(alert) : firedEvent(alert, false));
      summaries.set(alert.identity, {
        identity: alert.identity,
        incidentId: id,
        incidentNumber: null,
        outcome: i === 0 ? 'created' : 'updated',
      });
    }
    const start = planStart(policies, id, facts, 'opened', undefined, now, d.input.policy.updateCadenceSeconds);
    plan.escalations.push({ incident_id: id, ...start.values });
    note(id, start.event, actorColumns(KLAXON));
    plan.jobs.push(...start.jobs);
  }
  return d.alerts.map((a) => summaries.get(a.identity)!);
}

/** The incident's most severe alert, the first of them in the sender's order. */
function mostSevere(alerts: PreparedAlert[]): { severity: Severity; reason: string } {
  const top = alerts.reduce((best, a) => (moreSevere(a.decided.severity, best.decided.severity) ? a : best));
  return top.decided;
}
