/**
 * Notification events on the incident's timeline. Each kind's `data` is flat:
 *
 * - notification_sent:      { notificationId, channel, target, address, purpose, cycle, step, attempts }
 * - notification_failed:    the same plus { error }
 * - notification_throttled: the same plus { digestAt } (when the digest that folds it in is due)
 *
 * `address` is shown as `displayAddress` has it: a webhook URL is a credential, so only its origin;
 * a pager routing key too, so only its last 4 characters.
 */
import type { NotificationRow } from '../db/schema.js';
import { KLAXON } from '../incidents/actors.js';
import { addEvent } from '../incidents/events.js';
import type { Trx } from '../incidents/incident-store.js';

export function displayAddress(channel: string, address: string): string {
  // A pager address is the pager service's routing key: a credential too, so only its last 4 characters.
  if (channel === 'pager') return address.length > 8 ? `…${address.slice(-4)}` : '…';
  if (channel !== 'webhook') return address;
  try {
    return new URL(address).origin;
  } catch {
    return '<invalid URL>';
  }
}

function base(row: NotificationRow) {
  return {
    notificationId: row.id,
    channel: row.channel,
    target: row.target,
    address: displayAddress(row.channel, row.address),
    purpose: row.purpose,
    cycle: row.cycle,
    step: row.step,
    attempts: row.attempts,
  };
}

const what = (row: NotificationRow) => `${row.purpose} by ${row.channel} to ${displayAddress(row.channel, row.address)}`;

export function notificationSent(trx: Trx, row: NotificationRow, at: Date) {
  return addEvent(trx, row.incident_id, 'notification_sent', `Sent ${what(row)}`, base(row), KLAXON, at);
}

export function notificationFailed(trx: Trx, row: NotificationRow, error: string, at: Date) {
  const tries = `${row.attempts} attempt${row.attempts === 1 ? '' : 's'}`;
  return addEvent(
    trx,
    row.incident_id,
    'notification_failed',
    `Failed: ${what(row)} after ${tries}: ${error}`,
    { ...base(row), error },
    KLAXON,
    at,
  );
}

export function notificationThrottled(trx: Trx, row: NotificationRow, digestAt: Date, at: Date) {
  return addEvent(
    trx,
    row.incident_id,
    'notification_throttled',
    `Held back by the per-person throttle: ${what(row)}; folded into a digest due ${digestAt.toISOString()}`,
    { ...base(row), digestAt: digestAt.toISOString() },
    KLAXON,
    at,
  );
}
