/**
 * The seeds' incident checklist ("during incident" / "after incident"). Items Klaxon
 * can observe tick themselves from the incident's state; responders tick the rest
 * (PUT /v1/incidents/{id}/checklist/{item}), and may tick an observable item that
 * happened outside Klaxon. Pure: the incident row in, the list out.
 */
import type { IncidentRow } from '../db/schema.js';
import type { ChecklistItem } from '../schemas/incidents.js';
import { ackDeadline, type IncidentPolicy } from './policy.js';

type Row = Pick<
  IncidentRow,
  | 'status'
  | 'declared'
  | 'severity'
  | 'severity_overridden'
  | 'acknowledged_at'
  | 'opened_at'
  | 'resolved_at'
  | 'impact'
  | 'roles'
  | 'checklist'
  | 'public_update_at'
  | 'all_clear_at'
  | 'postmortem_at'
  | 'action_items_at'
>;

interface Observation {
  done: boolean;
  at: Date | null;
}

interface ItemDef {
  id: string;
  phase: 'during' | 'after';
  label: string;
  /** How Klaxon sees it done; absent when only a responder can tell. */
  observe?: (row: Row, ctx: { firingAlerts: number; policy: IncidentPolicy }) => Observation;
}

const seen = (done: boolean, at: Date | null = null): Observation => ({ done, at: done ? at : null });

export const CHECKLIST: readonly ItemDef[] = [
  {
    id: 'severity-assessed',
    phase: 'during',
    label: 'Severity assessed and declared',
    // A person has looked at it: declared it, set the severity, or acknowledged it.
    observe: (r) => seen(r.declared || r.severity_overridden || r.acknowledged_at !== null, r.declared ? r.opened_at : r.acknowledged_at),
  },
  {
    id: 'acknowledged-within-target',
    phase: 'during',
    label: "Acknowledged within the severity's target",
    observe: (r, { policy }) =>
      seen(r.acknowledged_at !== null && r.acknowledged_at <= ackDeadline(r.opened_at, r.severity, policy), r.acknowledged_at),
  },
  {
    id: 'commander-assigned',
    phase: 'during',
    label: 'Incident commander assigned',
    observe: (r) => {
      const since = r.roles.commander?.since;
      return seen(since !== undefined, since ? new Date(since) : null);
    },
  },
  { id: 'channels-created', phase: 'during', label: 'Communication channels created' },
  { id: 'responders-paged', phase: 'during', label: 'On-call engineers paged' },
  {
    id: 'status-page-updated',
    phase: 'during',
    label: 'Status page updated',
    // A responder posted a public update (POST …/updates with a publicMessage).
    observe: (r) => seen(r.public_update_at !== null, r.public_update_at),
  },
  { id: 'stakeholders-notified', phase: 'during', label: 'Stakeholders notified' },
  { id: 'mitigation-documented', phase: 'during', label: 'Mitigation actions documented' },
  { id: 'impact-assessed', phase: 'during', label: 'Customer impact assessed', observe: (r) => seen(!!r.impact) },
  {
    id: 'resolution-verified',
    phase: 'during',
    label: 'Resolution verified',
    // Resolved, and the monitoring agrees: no alert of it still fires.
    observe: (r, { firingAlerts }) => seen(r.status === 'resolved' && firingAlerts === 0, r.resolved_at),
  },
  {
    id: 'all-clear-communicated',
    phase: 'during',
    label: 'All-clear communicated',
    // A status update said "resolved".
    observe: (r) => seen(r.all_clear_at !== null, r.all_clear_at),
  },
  {
    id: 'postmortem-scheduled',
    phase: 'after',
    label: 'Post-mortem scheduled',
    // A post-mortem draft exists (POST …/postmortem).
    observe: (r) => seen(r.postmortem_at !== null, r.postmortem_at),
  },
  {
    id: 'action-items-created',
    phase: 'after',
    label: 'Action items created and assigned',
    // An action item exists (each has an owner and a due date).
    observe: (r) => seen(r.action_items_at !== null, r.action_items_at),
  },
  { id: 'runbooks-updated', phase: 'after', label: 'Runbooks updated' },
  { id: 'monitoring-gaps-addressed', phase: 'after', label: 'Monitoring gaps addressed' },
  { id: 'stakeholder-debrief', phase: 'after', label: 'Stakeholder debrief completed' },
];

export const CHECKLIST_ITEM_IDS = CHECKLIST.map((i) => i.id);

export function computeChecklist(input: { incident: Row; firingAlerts: number; policy: IncidentPolicy; now: Date }): ChecklistItem[] {
  const { incident: row } = input;
  return CHECKLIST.map((item) => {
    const observed = item.observe?.(row, input);
    const tick = Object.hasOwn(row.checklist, item.id) ? row.checklist[item.id] : undefined;
    const base = { id: item.id, phase: item.phase, label: item.label, observable: item.observe !== undefined };
    if (observed?.done) return { ...base, done: true, source: 'observed', at: observed.at?.toISOString() ?? null, by: 'Klaxon' };
    if (tick?.done) return { ...base, done: true, source: 'responder', at: tick.at, by: tick.by };
    return { ...base, done: false, source: 'none', at: null, by: null };
  });
}
