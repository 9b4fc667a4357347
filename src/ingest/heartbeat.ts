/**
 * Heartbeat integrations (dead man's switch): the sender proves it is alive by
 * calling its URL; silence past `last beat + interval + grace` raises an alert and
 * the next beat resolves it. These helpers only shape the alert — the job runner
 * that notices the deadline and the route that records beats live elsewhere.
 *
 * identity and groupKey are both `heartbeat`: an integration has one heartbeat,
 * so the integration id already scopes it.
 */
import { clip } from './limits.js';
import type { AlertStatus, NormalizedAlert } from './types.js';

export interface HeartbeatAlertArgs {
  integrationId: string;
  name: string;
  service?: string;
  status: AlertStatus;
  /** null before the first beat (a heartbeat is armed by its first beat, so this is rare). */
  lastBeatAt: Date | null;
  intervalSeconds: number;
  graceSeconds: number;
  now: Date;
}

function assertSeconds(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number of seconds`);
}

/** When a heartbeat whose last beat was `lastBeatAt` is overdue: last beat + interval + grace. */
export function heartbeatDeadline(lastBeatAt: Date, intervalSeconds: number, graceSeconds: number): Date {
  assertSeconds('intervalSeconds', intervalSeconds);
  assertSeconds('graceSeconds', graceSeconds);
  return new Date(lastBeatAt.getTime() + (intervalSeconds + graceSeconds) * 1000);
}

const UNITS: ReadonlyArray<[string, number]> = [
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/** "1h", "5m", "1h30m", "0s": the compact form people write in cron comments. */
export function formatSeconds(total: number): string {
  let rest = Math.round(total);
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out || '0s';
}

/** ISO 8601 to the second: beats are not meaningful to the millisecond in a title. */
function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The normalized alert for a heartbeat that went silent (`firing`) or beat again
 * (`resolved`). Severity defaults to SEV2: a missed backup or cron run needs a
 * person soon, but is rarely a customer-facing outage.
 */
export function heartbeatAlert(args: HeartbeatAlertArgs): NormalizedAlert {
  const { name, status, lastBeatAt, intervalSeconds, graceSeconds, now } = args;
  const deadline = lastBeatAt ? heartbeatDeadline(lastBeatAt, intervalSeconds, graceSeconds) : null;
  const schedule = `(interval ${formatSeconds(intervalSeconds)}, grace ${formatSeconds(graceSeconds)})`;
  const quoted = JSON.stringify(name);
  const title =
    status === 'firing'
      ? `Heartbeat ${quoted} missed: ${lastBeatAt ? `no beat since ${isoSeconds(lastBeatAt)}` : 'no beat received yet'} ${schedule}`
      : `Heartbeat ${quoted} beat again at ${isoSeconds(now)} ${schedule}`;

  const annotations: Record<string, string> = {
    interval_seconds: String(intervalSeconds),
    grace_seconds: String(graceSeconds),
  };
  if (lastBeatAt) annotations['last_beat_at'] = lastBeatAt.toISOString();
  if (deadline) annotations['deadline'] = deadline.toISOString();

  const alert: NormalizedAlert = {
    identity: 'heartbeat',
    groupKey: 'heartbeat',
    status,
    title: clip(title),
    labels: { heartbeat: name, integration_id: args.integrationId },
    annotations,
    // The outage began when the deadline passed, not when the job noticed.
    startsAt: status === 'firing' ? (deadline ?? now) : null,
    endsAt: status === 'resolved' ? now : null,
    severity: { severity: 'SEV2', reason: 'heartbeat missed → SEV2 (default)' },
  };
  if (args.service) alert.service = args.service;
  return alert;
}
