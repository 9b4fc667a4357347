/**
 * Who caused a timeline event (goalert's alertlog): an API key's holder, an
 * integration (a sender, possibly naming the responder who acted through it), or
 * Klaxon itself (timers, rules).
 */
import type { ActorType, Role } from '../vocabulary.js';

export type Actor =
  | { type: 'api_key'; id: string; name: string; role: Role }
  | { type: 'integration'; id: string; name: string; onBehalfOf?: string }
  | { type: 'klaxon' };

export const KLAXON: Actor = { type: 'klaxon' };

/** How an actor is stored on an event row. */
export function actorColumns(actor: Actor): { actor_type: ActorType; actor_id: string | null; actor_name: string | null } {
  switch (actor.type) {
    case 'api_key':
      return { actor_type: 'api_key', actor_id: actor.id, actor_name: `${actor.name} (${actor.role})` };
    case 'integration':
      return {
        actor_type: 'integration',
        actor_id: actor.id,
        actor_name: actor.onBehalfOf ? `${actor.onBehalfOf} via ${actor.name}` : actor.name,
      };
    case 'klaxon':
      return { actor_type: 'klaxon', actor_id: null, actor_name: null };
  }
}

/** How a message names the actor: `alice (responder)`, `checkout-am`, `Klaxon`. */
export function actorLabel(actor: Actor): string {
  return actorColumns(actor).actor_name ?? 'Klaxon';
}
