/**
 * Writing and reading the timeline. Every event is one kind of the typed union in
 * schemas/events.ts, with its data shape checked by the compiler, and records its actor.
 */
import type { IncidentEventRow } from '../db/schema.js';
import type { EventData, TimelineEvent } from '../schemas/events.js';
import type { EventKind } from '../vocabulary.js';
import { type Actor, actorColumns } from './actors.js';
import type { Trx } from './incident-store.js';

export interface NewEvent<K extends EventKind = EventKind> {
  kind: K;
  message: string;
  data: EventData<K>;
}

/** A typed event, for building lists of events of different kinds. */
export function event<K extends EventKind>(kind: K, message: string, data: EventData<K>): NewEvent<K> {
  return { kind, message, data };
}

/** Appends events to an incident's timeline, in order, in one statement. */
export async function addEvents(trx: Trx, incidentId: string, events: NewEvent[], actor: Actor, at: Date): Promise<number[]> {
  if (events.length === 0) return [];
  const who = actorColumns(actor);
  const rows = await trx
    .insertInto('incident_events')
    .values(events.map((e) => ({ incident_id: incidentId, kind: e.kind, message: e.message, data: JSON.stringify(e.data), at, ...who })))
    .returning('id')
    .execute();
  return rows.map((r) => Number(r.id));
}

/** Appends events to several incidents' timelines, in order, in one statement (the ingestion engine's). */
export async function addIncidentEvents(trx: Trx, events: (NewEvent & { incidentId: string })[], actor: Actor, at: Date): Promise<void> {
  if (events.length === 0) return;
  const who = actorColumns(actor);
  await trx
    .insertInto('incident_events')
    .values(events.map((e) => ({ incident_id: e.incidentId, kind: e.kind, message: e.message, data: JSON.stringify(e.data), at, ...who })))
    .execute();
}

/** Appends one event; returns its id. */
export async function addEvent<K extends EventKind>(
  trx: Trx,
  incidentId: string,
  kind: K,
  message: string,
  data: EventData<K>,
  actor: Actor,
  at: Date,
): Promise<number> {
  const [id] = await addEvents(trx, incidentId, [{ kind, message, data } as NewEvent], actor, at);
  return id!;
}

export function rowToEvent(row: IncidentEventRow): TimelineEvent {
  return {
    id: Number(row.id),
    at: row.at.toISOString(),
    kind: row.kind,
    message: row.message,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    data: row.data,
  };
}
