/**
 * The responders' writes on an incident: gather (the row, locked FOR UPDATE) →
 * decide (lifecycle.ts, pure) → apply (one UPDATE and the timeline events), inside
 * the caller's transaction. `If-Match` is checked against the locked row, so two
 * responders never overwrite each other silently.
 */
import { randomUUID } from 'node:crypto';
import { type Db, inTransaction } from '../db/client.js';
import type { IncidentRow, RoleHolders } from '../db/schema.js';
import { Errors } from '../errors.js';
import { onIncidentChange } from '../escalation/hooks.js';
import type { Cadence } from '../escalation/reminders.js';
import type { IncidentRole, Severity } from '../vocabulary.js';
import { type Actor, actorLabel } from './actors.js';
import { addEvent, addEvents, event, type NewEvent } from './events.js';
import type { Trx } from './incident-store.js';
import {
  decideTransition,
  type IncidentAction,
  planTransition,
  requestedStatus,
  type Transition,
  type TransitionPlan,
} from './lifecycle.js';
import type { IncidentPolicy } from './policy.js';
import { etagOf, findIncident } from './queries.js';

export type { IncidentAction } from './lifecycle.js';

export interface WriteOptions {
  /** The If-Match header, when the client sent one. */
  ifMatch?: string;
  now?: Date;
}

/** A write that may move the incident's status or severity, and so its escalation and reminders. */
export interface TransitionOptions extends WriteOptions {
  /** The acknowledgement targets and update cadence the change follows (the app's incidentPolicy). */
  policy: IncidentPolicy;
}

/** `*`, or a list of strong ETags one of which must be the current one (RFC 9110 §13.1.1). */
export function checkIfMatch(row: Pick<IncidentRow, 'version'>, ifMatch: string | undefined): void {
  if (ifMatch === undefined) return;
  const current = etagOf(row);
  const tags = ifMatch.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.includes(current)) return;
  throw Errors.preconditionFailed(
    `If-Match ${ifMatch.slice(0, 100)} does not match the current version ${current}; read the incident again`,
  );
}

async function gather(trx: Trx, ref: string, opts: WriteOptions): Promise<IncidentRow> {
  const row = await findIncident(trx, ref, true);
  checkIfMatch(row, opts.ifMatch);
  return row;
}

async function update(trx: Trx, id: string, set: Record<string, unknown>, now: Date): Promise<IncidentRow> {
  return trx
    .updateTable('incidents')
    .set({ ...set, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Acknowledge, change status, resolve or reopen. Acknowledging an incident already past triggered changes nothing. */
export function actOnIncident(
  db: Db | Trx,
  ref: string,
  action: IncidentAction,
  actor: Actor,
  opts: TransitionOptions,
): Promise<{ changed: boolean; row: IncidentRow }> {
  return inTransaction(db, async (trx) => {
    const now = opts.now ?? new Date();
    const row = await gather(trx, ref, opts);
    const t = decideTransition(row.status, action);
    if (!t.ok) throw refusal(row, t, action, '/status');
    if (!t.changed) return { changed: false, row };
    const plan = planTransition(row, action, t, actorLabel(actor), opts.policy, now);
    const updated = await update(
      trx,
      row.id,
      { ...plan.set, ...(action.type === 'reopen' ? { reopen_count: row.reopen_count + 1 } : {}) },
      now,
    );
    await addEvents(trx, row.id, plan.events, actor, now);
    await afterTransition(trx, row.id, plan, action, now, opts.policy.updateCadenceSeconds);
    return { changed: true, row: plan.resolveFiringAlerts ? await findIncident(trx, row.id) : updated };
  });
}

/** The 409 for a refused transition, naming the current and the requested state (one wording, wherever it is refused). */
export function refusal(row: Pick<IncidentRow, 'number'>, t: Extract<Transition, { ok: false }>, action: IncidentAction, path: string) {
  return Errors.invalidTransition(
    `Incident #${row.number} is ${t.from}; requested: ${t.requested}. ${t.reason[0]!.toUpperCase()}${t.reason.slice(1)}.`,
    [{ path, message: `current: ${t.from}; requested: ${requestedStatus(action)}` }],
  );
}

/**
 * What a transition writes besides the incident row and its events, wherever it is applied
 * (the actions here, a status update): alerts a person's resolve ended, and escalation told in the
 * same transaction (acknowledging stops paging, resolving stops everything, a reopen restarts).
 */
export async function afterTransition(
  trx: Trx,
  incidentId: string,
  plan: TransitionPlan,
  action: IncidentAction,
  now: Date,
  cadence: Cadence,
): Promise<void> {
  if (plan.resolveFiringAlerts) {
    await trx
      .updateTable('alerts')
      .set({ status: 'resolved', ends_at: now })
      .where('incident_id', '=', incidentId)
      .where('status', '=', 'firing')
      .execute();
    await trx.updateTable('incidents').set({ firing_count: 0 }).where('id', '=', incidentId).execute();
  }
  if (plan.set.acknowledged_at) await onIncidentChange(trx, { incidentId, kind: 'acknowledged', at: now }, cadence);
  if (plan.set.status === 'resolved') await onIncidentChange(trx, { incidentId, kind: 'resolved', at: now }, cadence);
  if (action.type === 'reopen') await onIncidentChange(trx, { incidentId, kind: 'reopened', at: now }, cadence);
}

export interface DeclareInput {
  title: string;
  severity: Severity;
  service?: string | null;
  impact?: string | null;
  summary?: string | null;
  commander?: string | null;
}

/** A person declares an incident (a customer report, manual discovery); from then on it is like any other. */
export function declareIncident(db: Db | Trx, input: DeclareInput, actor: Actor, cadence: Cadence, now = new Date()): Promise<IncidentRow> {
  return inTransaction(db, async (trx) => {
    const id = randomUUID();
    const who = actorLabel(actor);
    const roles: RoleHolders = input.commander ? { commander: { name: input.commander, apiKeyId: null, since: now.toISOString() } } : {};
    const row = await trx
      .insertInto('incidents')
      .values({
        id,
        integration_id: null,
        group_key: `declared:${id}`,
        title: input.title,
        status: 'triggered',
        severity: input.severity,
        severity_reason: `Declared ${input.severity} by ${who}`,
        severity_overridden: true,
        service: input.service ?? null,
        impact: input.impact ?? null,
        summary: input.summary ?? null,
        declared: true,
        roles: JSON.stringify(roles),
        opened_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const events: NewEvent[] = [
      event('declared', `Declared ${input.severity} by ${who}: ${input.title}`, {
        severity: input.severity,
        service: input.service ?? null,
        commander: input.commander ?? null,
      }),
    ];
    if (input.commander) {
      events.push(
        event('role_assigned', `${input.commander} is incident commander`, {
          role: 'commander',
          name: input.commander,
          apiKeyId: null,
          previous: null,
        }),
      );
    }
    await addEvents(trx, id, events, actor, now);
    await onIncidentChange(trx, { incidentId: id, kind: 'opened', at: now }, cadence);
    return row;
  });
}

export interface IncidentPatch {
  title?: string;
  summary?: string | null;
  impact?: string | null;
  severity?: Severity;
  severityReason?: string;
}

/** Title, summary, impact, and the severity override (which rules then never change). */
export function updateIncident(
  db: Db | Trx,
  ref: string,
  patch: IncidentPatch,
  actor: Actor,
  opts: TransitionOptions,
): Promise<IncidentRow> {
  return inTransaction(db, async (trx) => {
    if (patch.severity !== undefined && !patch.severityReason?.trim()) {
      throw Errors.validation('A severity override needs a reason', [{ path: '/body/severityReason', message: 'required with severity' }]);
    }
    const now = opts.now ?? new Date();
    const row = await gather(trx, ref, opts);
    const who = actorLabel(actor);
    const set: Record<string, unknown> = {};
    const events: NewEvent[] = [];
    const changes: Record<string, { from: string | null; to: string | null }> = {};
    for (const field of ['title', 'summary', 'impact'] as const) {
      const to = patch[field];
      if (to !== undefined && to !== row[field]) {
        changes[field] = { from: row[field], to };
        set[field] = to;
      }
    }
    if (Object.keys(changes).length > 0) {
      events.push(event('incident_updated', `${Object.keys(changes).join(', ')} updated by ${who}`, { changes }));
    }
    if (patch.severity !== undefined) {
      const reason = `Set by ${who}: ${patch.severityReason!.trim()}`;
      set.severity = patch.severity;
      set.severity_reason = reason;
      set.severity_overridden = true;
      events.push(
        event('severity_changed', `Severity ${row.severity} → ${patch.severity}: ${reason}`, {
          from: row.severity,
          to: patch.severity,
          reason,
          overridden: true,
        }),
      );
    }
    if (events.length === 0) return row;
    const updated = await update(trx, row.id, set, now);
    await addEvents(trx, row.id, events, actor, now);
    if (patch.severity !== undefined && patch.severity !== row.severity) {
      await onIncidentChange(trx, { incidentId: row.id, kind: 'severity_changed', at: now }, opts.policy.updateCadenceSeconds);
    }
    return updated;
  });
}

/** Gives an incident role to an API key's holder or a named person; `null` clears it. */
export function assignRole(
  db: Db | Trx,
  ref: string,
  role: IncidentRole,
  holder: { name: string; apiKeyId: string | null } | null,
  actor: Actor,
  opts: WriteOptions,
): Promise<IncidentRow> {
  return inTransaction(db, async (trx) => {
    const now = opts.now ?? new Date();
    const row = await gather(trx, ref, opts);
    const previous = row.roles[role] ?? null;
    if (previous?.name === holder?.name && previous?.apiKeyId === holder?.apiKeyId) return row;
    const roles: RoleHolders = { ...row.roles };
    if (holder) roles[role] = { ...holder, since: now.toISOString() };
    else delete roles[role];
    const updated = await update(trx, row.id, { roles: JSON.stringify(roles) }, now);
    const title = role === 'commander' ? 'incident commander' : role === 'scribe' ? 'scribe' : 'communications lead';
    const message = holder ? `${holder.name} is ${title} (assigned by ${actorLabel(actor)})` : `${title} cleared by ${actorLabel(actor)}`;
    await addEvent(
      trx,
      row.id,
      'role_assigned',
      message,
      { role, name: holder?.name ?? null, apiKeyId: holder?.apiKeyId ?? null, previous: previous?.name ?? null },
      actor,
      now,
    );
    return updated;
  });
}

/** A note on the timeline. */
export function addNote(
  db: Db | Trx,
  ref: string,
  text: string,
  actor: Actor,
  opts: WriteOptions,
): Promise<{ row: IncidentRow; eventId: number }> {
  return inTransaction(db, async (trx) => {
    const now = opts.now ?? new Date();
    const row = await gather(trx, ref, opts);
    const eventId = await addEvent(trx, row.id, 'note', `Note by ${actorLabel(actor)}: ${text}`, { text }, actor, now);
    return { row, eventId };
  });
}

/** A responder ticks (or unticks) a checklist item. */
export function tickChecklist(
  db: Db | Trx,
  ref: string,
  item: string,
  done: boolean,
  actor: Actor,
  opts: WriteOptions,
): Promise<IncidentRow> {
  return inTransaction(db, async (trx) => {
    const now = opts.now ?? new Date();
    const row = await gather(trx, ref, opts);
    const checklist = { ...row.checklist, [item]: { done, at: now.toISOString(), by: actorLabel(actor) } };
    return update(trx, row.id, { checklist: JSON.stringify(checklist) }, now);
  });
}
