/**
 * The migrations spell the vocabulary out in CHECK constraints (a migration never
 * imports app code); this holds the database to src/vocabulary.ts, so adding a
 * status or severity in one place and not the other fails here.
 */

import { sql } from 'kysely';
import t from 'tap';
import {
  ACTION_ITEM_PRIORITIES,
  ACTION_ITEM_STATUSES,
  ACTOR_TYPES,
  ALERT_STATUSES,
  CHANGE_KINDS,
  HEALTH_FORMATS,
  INCIDENT_STATUSES,
  INTEGRATION_KINDS,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_PURPOSES,
  NOTIFICATION_STATUSES,
  POSTMORTEM_STATUSES,
  ROLES,
  SEVERITIES,
} from '../../src/vocabulary.js';
import { openTestDatabase } from '../helper.js';

const EXPECTED: Record<string, readonly string[]> = {
  'incidents.status': INCIDENT_STATUSES,
  'incidents.severity': SEVERITIES,
  'alerts.status': ALERT_STATUSES,
  'alerts.severity': SEVERITIES,
  'integrations.kind': INTEGRATION_KINDS,
  'integrations.format': HEALTH_FORMATS,
  'api_keys.role': ROLES,
  'incident_events.actor_type': ACTOR_TYPES,
  'changes.kind': CHANGE_KINDS,
  'public_updates.status': INCIDENT_STATUSES,
  'postmortems.status': POSTMORTEM_STATUSES,
  'action_items.priority': ACTION_ITEM_PRIORITIES,
  'action_items.status': ACTION_ITEM_STATUSES,
  'notifications.channel': NOTIFICATION_CHANNELS,
  'notifications.purpose': NOTIFICATION_PURPOSES,
  'notifications.status': NOTIFICATION_STATUSES,
};

t.test('every CHECK constraint on a vocabulary column allows exactly the vocabulary', async (t) => {
  const { db } = await openTestDatabase(t);
  const { rows } = await sql<{ tbl: string; col: string; def: string }>`
    select c.conrelid::regclass::text as tbl, a.attname as col, pg_get_constraintdef(c.oid) as def
    from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
    where c.contype = 'c' and c.connamespace = 'public'::regnamespace`.execute(db);
  const found: Record<string, string[]> = {};
  for (const r of rows) found[`${r.tbl}.${r.col}`] = [...r.def.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
  for (const [column, values] of Object.entries(EXPECTED)) {
    t.same(found[column], [...values], `${column} matches src/vocabulary.ts`);
  }
});
