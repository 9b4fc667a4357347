import type { AlertRow, HealthFormat, IncidentRow } from '../db/schema.js';
import { type IncidentChange, onIncidentChange } from '../escalation/hooks.js';
import type { Cadence } from '../escalation/reminders.js';
import type { AdapterResult, NormalizedAlert } from '../ingest/types.js';
import type { EventData } from '../schemas/events.js';
import type { Actor } from './actors.js';
import { decideAlert, decideSettle } from './decide.js';
import { addEvent, addIncidentEvents, event, type NewEvent } from './events.js';
import type { Trx } from './incident-store.js';
import * as store from './incident-store.js';
import { decideTransition } from './lifecycle.js';
import { alertSeverity, type CompiledRule } from './severity.js';
import { type ActiveSilence, silencedBy } from './silences.js';

/** What the engine needs to know about the integration a delivery came through. */
export interface IngestIntegration {
  id: string;
  /** Named on the timeline as the actor of what its alerts did. */
  name: string;
  service: string | null;
  groupingLabels: string[];
  rules: CompiledRule[];
  promoteAfterAlerts: number | null;
  reopenWindowSeconds: number;
  /** The pinned body format of a health integration (`auto` elsewhere). */
  format: HealthFormat;
  /** The row's updated_at as read (to the millisecond): the repeat path checks it is still current. */
  updatedAt: Date;
}

export type { AlertOutcome } from '../vocabulary.js';

import type { AlertOutcome, EventKind } from '../vocabulary.js';

export interface AlertSummary {
  identity: string;
  incidentId: string | null;
  incidentNumber: number | null;
  outcome: AlertOutcome;
}

/** An incident this delivery changed; `created` when the delivery opened it (its severity settles silently). */
interface Touched {
  id: string;
  created: boolean;
  reopened?: boolean;
}

type Prepared = store.PreparedAlert;

/**
 * The group key "why were these grouped": the integration's grouping labels when
 * it has some (`labels:{env="prod",service="db"}`), else the source's own key.
 */
export function groupKeyFor(alert: NormalizedAlert, groupingLabels: string[]): string {
  if (groupingLabels.length === 0) return alert.groupKey;
  // hasOwn: a grouping label named "constructor" the alert lacks is "", not Object's.
  const value = (n: string) => (Object.hasOwn(alert.labels, n) ? alert.labels[n] : '');
  const parts = [...groupingLabels].sort().map((n) => `${n}=${JSON.stringify(value(n))}`);
  return `labels:{${parts.join(',')}}`;
}

/**
 * A delivery's alerts as this integration sees them: group key, service and severity decided,
 * one per identity (within one delivery the last word on an identity wins), in the order of first mention.
 */
export function prepareAlerts(integration: IngestIntegration, result: AdapterResult): Map<string, Prepared> {
  const byIdentity = new Map<string, Prepared>();
  for (const alert of result.alerts) {
    byIdentity.set(alert.identity, {
      ...alert,
      groupKey: groupKeyFor(alert, integration.groupingLabels),
      service: alert.service ?? integration.service ?? undefined,
      decided: alertSeverity(alert, integration.rules),
    });
  }
  return byIdentity;
}

/**
 * Applies one delivery's alerts inside the caller's transaction: dedup by
 * (integration, identity), one open incident per group key, resolve when the
 * last alert resolves, reopen within the window. Groups are locked in sorted
 * order so concurrent deliveries cannot deadlock.
 */
export async function applyAlerts(
  trx: Trx,
  integration: IngestIntegration,
  /** The delivery's alerts, from prepareAlerts. */
  byIdentity: Map<string, Prepared>,
  /** Alerts the sender left out of this delivery (AdapterResult.truncatedAlerts). */
  truncatedAlerts: number,
  loadSilences: () => Promise<ActiveSilence[]>,
  now: Date,
  /** When the status-update reminders of incidents opened or reopened here are due. */
  cadence: Cadence,
): Promise<AlertSummary[]> {
  let silences: Promise<ActiveSilence[]> | undefined;
  const activeSilences = () => (silences ??= loadSilences()); // only read when an alert may need them
  // Groups in sorted order (so concurrent deliveries take group locks without deadlock);
  // within a group the sender's order is kept, so its first firing alert names the incident.
  const ordered = [...byIdentity.values()].sort((a, b) => cmp(a.groupKey, b.groupKey));
  const summaries = new Map<string, AlertSummary>();
  let i = 0;
  while (i < ordered.length) {
    const groupKey = ordered[i]!.groupKey;
    const group: Prepared[] = [];
    for (; i < ordered.length && ordered[i]!.groupKey === groupKey; i++) group.push(ordered[i]!);

    // Every row of a group is written under its lock, so row locks never interleave into a deadlock.
    await store.lockGroup(trx, integration.id, groupKey);
    const firing = group.filter((a) => a.status === 'firing');
    const counted = await store.countFiringDuplicates(trx, integration.id, groupKey, firing, now);
    for (const [identity, hit] of counted) summaries.set(identity, { identity, ...hit, outcome: 'duplicate' });
    const rest = group.filter((a) => !counted.has(a.identity));
    if (rest.length === 0) continue;

    const existing = await store.lockAlerts(
      trx,
      integration.id,
      rest.map((a) => a.identity),
    );
    const g: GroupState = { key: groupKey, newest: undefined, touched: new Map(), firstSightings: [], events: [] };
    for (const alert of rest) {
      summaries.set(alert.identity, await applyOne(trx, integration, alert, existing.get(alert.identity), activeSilences, now, g));
    }
    await flush(trx, integration, g, now);
    for (const t of g.touched.values()) await settle(trx, integration, t, truncatedAlerts, now, cadence);
  }
  // Answer in the sender's order.
  return [...byIdentity.keys()].map((id) => summaries.get(id)!);
}

/**
 * One group while its lock is held: its newest incident (looked up once), the incidents it
 * changed, and the writes held back to be made together (first sightings, timeline events).
 */
interface GroupState {
  key: string;
  /** undefined until looked up; null when the group never had an incident. */
  newest: IncidentRow | null | undefined;
  touched: Map<string, Touched>;
  firstSightings: { alert: Prepared; values: store.AlertValues }[];
  events: (NewEvent & { incidentId: string })[];
}

/** Writes what the group held back: its new alert rows in one statement, then its events in one. */
async function flush(trx: Trx, integration: IngestIntegration, g: GroupState, now: Date): Promise<void> {
  const rows = g.firstSightings.map(({ alert, values }) => ({ identity: alert.identity, values }));
  const inserted = await store.insertAlerts(trx, integration.id, rows, now);
  // The identity constraint's backstop: a row that appeared after all is updated, as saveAlert would.
  for (const r of rows) if (!inserted.has(r.identity)) await store.updateAlert(trx, integration.id, r.identity, r.values);
  await addIncidentEvents(trx, g.events, by(integration), now);
}

/** Saves the alert's row: a first sighting is held back for flush, anything else written now. */
async function save(
  trx: Trx,
  integrationId: string,
  g: GroupState,
  alert: Prepared,
  existing: AlertRow | undefined,
  now: Date,
  to: { status: AlertRow['status']; incidentId: string | null },
) {
  if (existing) return store.saveAlert(trx, integrationId, alert, existing, now, to);
  g.firstSightings.push({ alert, values: store.alertValues(alert, undefined, now, to) });
}

function note<K extends EventKind>(g: GroupState, incidentId: string, kind: K, message: string, data: EventData<K>): void {
  g.events.push({ incidentId, ...event(kind, message, data) });
}

async function newestOf(trx: Trx, integrationId: string, g: GroupState): Promise<IncidentRow | null> {
  if (g.newest === undefined) g.newest = (await store.newestIncident(trx, integrationId, g.key)) ?? null;
  return g.newest;
}

async function openOf(trx: Trx, integrationId: string, g: GroupState): Promise<IncidentRow | null> {
  const newest = await newestOf(trx, integrationId, g);
  return newest && newest.status !== 'resolved' ? newest : null;
}

function touch(g: GroupState, id: string, created = false, reopened = false): void {
  const t = g.touched.get(id);
  if (!t) g.touched.set(id, { id, created, reopened });
  else if (reopened) t.reopened = true;
}

async function applyOne(
  trx: Trx,
  integration: IngestIntegration,
  alert: Prepared,
  existing: AlertRow | undefined,
  silences: () => Promise<ActiveSilence[]>,
  now: Date,
  g: GroupState,
): Promise<AlertSummary> {
  const none = { identity: alert.identity, incidentId: null, incidentNumber: null };
  // The group's open incident matters only to a firing alert already attached to one.
  const open = alert.status === 'firing' && existing?.incident_id ? await openOf(trx, integration.id, g) : null;
  const decision = decideAlert(existing, alert, open?.id ?? null, now);

  switch (decision.kind) {
    case 'record-resolved': {
      // Unknown, already resolved, or suppressed: record it, open nothing.
      await save(trx, integration.id, g, alert, existing, now, { status: 'resolved', incidentId: existing?.incident_id ?? null });
      // A repeat may be the first one without truncation: let its incident settle again.
      if (existing?.incident_id) touch(g, existing.incident_id);
      return { ...none, incidentId: existing?.incident_id ?? null, outcome: decision.repeat ? 'duplicate' : 'resolved' };
    }
    case 'stale-resolve': {
      await store.countSighting(trx, integration.id, alert.identity, now);
      const incident = await store.incidentNumber(trx, existing!.incident_id!);
      return { identity: alert.identity, incidentId: existing!.incident_id, incidentNumber: incident, outcome: 'duplicate' };
    }
    case 'resolve': {
      const incidentId = existing!.incident_id!;
      await save(trx, integration.id, g, alert, existing, now, { status: 'resolved', incidentId });
      const incident = await trx.selectFrom('incidents').selectAll().where('id', '=', incidentId).forUpdate().executeTakeFirstOrThrow();
      note(g, incident.id, 'alert_resolved', `Alert resolved: ${alert.title}`, { identity: alert.identity });
      touch(g, incident.id);
      return { identity: alert.identity, incidentId: incident.id, incidentNumber: incident.number, outcome: 'resolved' };
    }
    case 'repeat': {
      await save(trx, integration.id, g, alert, existing, now, { status: 'firing', incidentId: open!.id });
      // Its severity changed (else the fast path would have counted it): the incident's may rise.
      touch(g, open!.id);
      return { identity: alert.identity, incidentId: open!.id, incidentNumber: open!.number, outcome: 'duplicate' };
    }
    case 'stale-firing': {
      // A firing that started before the recorded resolution arrived late: not a re-fire.
      await save(trx, integration.id, g, alert, existing, now, { status: 'resolved', incidentId: existing!.incident_id });
      return { ...none, incidentId: existing!.incident_id, outcome: 'duplicate' };
    }
    case 'fire':
      break;
  }

  const silence = existing?.status === 'firing' ? undefined : silencedBy(await silences(), alert.labels);
  if (silence) {
    await save(trx, integration.id, g, alert, existing, now, { status: 'suppressed', incidentId: null });
    return { ...none, outcome: 'suppressed' };
  }

  const { incident, outcome } = await incidentForFiring(trx, integration, alert, now, g);
  await save(trx, integration.id, g, alert, existing, now, { status: 'firing', incidentId: incident.id });
  if (outcome === 'updated') g.events.push({ incidentId: incident.id, ...firedEvent(alert, existing?.incident_id === incident.id) });
  touch(g, incident.id, outcome === 'created', outcome === 'reopened');
  return { identity: alert.identity, incidentId: incident.id, incidentNumber: incident.number, outcome };
}

/** The open incident of the alert's group, or a reopened one within the window, or a new one. */
async function incidentForFiring(trx: Trx, integration: IngestIntegration, alert: Prepared, now: Date, g: GroupState) {
  const newest = await newestOf(trx, integration.id, g);
  if (newest && newest.status !== 'resolved') return { incident: newest, outcome: 'updated' as const };
  const previous = newest ?? undefined;
  const windowMs = integration.reopenWindowSeconds * 1000;
  const sinceMs = previous?.resolved_at ? now.getTime() - previous.resolved_at.getTime() : Infinity;
  // The lifecycle's rule, shared with the API: a resolved incident reopens (to triggered).
  if (previous && sinceMs <= windowMs && decideTransition(previous.status, { type: 'reopen' }).ok) {
    const incident = await store.reopenIncident(trx, previous.id, now);
    g.newest = incident;
    const message = `Reopened: "${alert.title}" fired ${Math.round(sinceMs / 1000)}s after resolution, within the ${integration.reopenWindowSeconds}s reopen window`;
    const data = {
      cause: 'alert' as const,
      identity: alert.identity,
      resolvedAt: previous.resolved_at?.toISOString() ?? null,
      message: null,
    };
    note(g, incident.id, 'reopened', message, data);
    return { incident, outcome: 'reopened' as const };
  }
  const incident = await store.insertIncident(trx, {
    integrationId: integration.id,
    groupKey: alert.groupKey,
    title: alert.title,
    severity: alert.decided,
    service: alert.service ?? null,
    now,
  });
  g.newest = incident;
  const notReopened = previous && { ...previous, sinceMs, windowSeconds: integration.reopenWindowSeconds };
  g.events.push({ incidentId: incident.id, ...createdEvent(alert, notReopened) });
  return { incident, outcome: 'created' as const };
}

/** The 'created' event of an incident an alert opened; `previous`: the group's resolved incident, too old to reopen. */
export function createdEvent(
  alert: Prepared,
  previous?: { id: string; number: number; sinceMs: number; windowSeconds: number },
): NewEvent<'created'> {
  const after = previous
    ? ` A new incident rather than reopening #${previous.number}: it resolved ${Math.round(previous.sinceMs / 1000)}s ago, outside the ${previous.windowSeconds}s reopen window.`
    : '';
  const data = { identity: alert.identity, groupKey: alert.groupKey, previousIncident: previous?.id ?? null };
  return event('created', `Opened by alert: ${alert.title}.${after}`, data);
}

/** The 'alert_fired' event of an alert that fires again in (`again`), or joins, an open incident. */
export function firedEvent(alert: Prepared, again: boolean): NewEvent<'alert_fired'> {
  return event('alert_fired', `Alert ${again ? 'fired again' : 'joined'}: ${alert.title}`, { identity: alert.identity });
}

/** After a group's alerts: gather the incident's stats, decide (decideSettle), write once. */
async function settle(trx: Trx, integration: IngestIntegration, touched: Touched, truncated: number, now: Date, cadence: Cadence) {
  const { incident: current, ...stats } = await store.incidentWithStats(trx, touched.id);
  const d = decideSettle({ incident: current, ...stats, truncated, promoteAfterAlerts: integration.promoteAfterAlerts });
  if (d.severityChanged && !touched.created) {
    const data = { from: current.severity, to: d.severity.severity, reason: d.severity.reason, overridden: false };
    const message = `Severity ${current.severity} → ${d.severity.severity}: ${d.severity.reason}`;
    await addEvent(trx, current.id, 'severity_changed', message, data, by(integration), now);
  }
  if (d.announceDeferral) {
    const message = `All alerts shown resolved, but the sender truncated ${truncated} alert(s): staying open`;
    await addEvent(trx, current.id, 'resolve_deferred', message, { truncatedAlerts: truncated }, by(integration), now);
  }
  await trx
    .updateTable('incidents')
    .set({
      alert_count: stats.total,
      firing_count: stats.firing,
      truncated_alerts: truncated,
      severity: d.severity.severity,
      severity_reason: d.severity.reason,
      ...(d.resolve ? { status: 'resolved' as const, resolved_at: now } : {}),
      updated_at: now,
    })
    .where('id', '=', current.id)
    .execute();
  if (d.resolve) {
    const data = { cause: 'alerts' as const, firingAlerts: 0, message: null };
    await addEvent(trx, current.id, 'resolved', 'Resolved: all alerts resolved', data, by(integration), now);
  }
  // Escalation follows in the same transaction: its timers commit with the change.
  const changes: IncidentChange['kind'][] = touched.created ? ['opened'] : touched.reopened ? ['reopened'] : [];
  if (d.resolve) changes.push('resolved');
  else if (d.severityChanged && changes.length === 0) changes.push('severity_changed');
  const facts = { ...current, severity: d.severity.severity, ...(d.resolve ? { status: 'resolved' as const } : {}) };
  for (const kind of changes) await onIncidentChange(trx, { incidentId: current.id, kind, at: now, incident: facts }, cadence);
}

/** What an integration's alerts do is on the timeline in the integration's name. */
function by(integration: IngestIntegration): Actor {
  return { type: 'integration', id: integration.id, name: integration.name };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
