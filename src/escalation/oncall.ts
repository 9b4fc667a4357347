import { fromLocal, type LocalDateTime, utcTime } from './zoned-time.js';

/**
 * Who is on call: a pure function of a schedule and an instant.
 *
 * A layer rotates through its users in order. Hand-offs are wall-clock times in the layer's time
 * zone: the first at `handoffTime` on `startDate`, then every `length` hours/days/weeks of wall
 * clock, so a daily 09:00 hand-off stays at 09:00 local across DST changes (that day is 23 or 25
 * hours long). A hand-off time the clock skips (spring forward) happens when the clock lands
 * after the gap, moved by the gap's length; one it shows twice (fall back) happens the first time.
 *
 * Layers are on call together (a primary and a secondary layer both answer); an override, for
 * its time-bounded window, replaces everyone the layers name. Overlapping overrides are all on call.
 */

export type RotationUnit = 'hours' | 'days' | 'weeks';

export interface Layer {
  name: string;
  /** User ids in rotation order; an empty layer names nobody. */
  users: string[];
  rotation: { unit: RotationUnit; length: number };
  /** "HH:MM", 24-hour clock, in the layer's zone. */
  handoffTime: string;
  /** "YYYY-MM-DD": the date of the first hand-off, to users[0]. Before it the layer names nobody. */
  startDate: string;
  /** IANA zone; the schedule's when absent. */
  timeZone?: string;
}

export interface Override {
  id: string;
  userId: string;
  start: Date;
  end: Date;
}

export interface Schedule {
  id: string;
  timeZone: string;
  layers: Layer[];
  overrides: Override[];
}

export type ShiftSource = { type: 'layer'; index: number; name: string } | { type: 'override'; id: string };

export interface Shift {
  userId: string;
  source: ShiftSource;
  start: Date;
  /** When this shift hands off; null when nothing later changes it (a one-person layer). */
  end: Date | null;
}

export interface OnCall {
  /** Who is on call, each once, in layer order (or override order). */
  userIds: string[];
  shifts: Shift[];
}

const HOURS: Record<RotationUnit, number> = { hours: 1, days: 24, weeks: 168 };
const HOUR = 3600_000;

/** The wall-clock reading of the layer's first hand-off, as milliseconds of a UTC-read clock. */
function startWall(layer: Layer): number {
  const [y, mo, d] = layer.startDate.split('-').map(Number) as [number, number, number];
  const [h, mi] = layer.handoffTime.split(':').map(Number) as [number, number];
  return utcTime(y, mo, d, h, mi);
}

function wallToLocal(wall: number): LocalDateTime {
  const d = new Date(wall);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: 0,
  };
}

/** The instant of the layer's k-th hand-off (k may be negative: before the start). */
export function handoffAt(layer: Layer, zone: string, k: number): number {
  const period = layer.rotation.length * HOURS[layer.rotation.unit] * HOUR;
  return fromLocal(wallToLocal(startWall(layer) + k * period), zone);
}

/** The layer's shift at `t`, or undefined before its first hand-off or when it has no users. */
export function layerShift(layer: Layer, index: number, scheduleZone: string, t: number): Shift | undefined {
  if (layer.users.length === 0) return undefined;
  const zone = layer.timeZone ?? scheduleZone;
  const origin = handoffAt(layer, zone, 0);
  if (t < origin) return undefined;
  const period = layer.rotation.length * HOURS[layer.rotation.unit] * HOUR;
  // Elapsed time gives k to within a DST shift or two; the loops settle it on the wall-clock hand-offs.
  let k = Math.floor((t - origin) / period);
  while (k > 0 && handoffAt(layer, zone, k) > t) k--;
  while (handoffAt(layer, zone, k + 1) <= t) k++;
  const n = layer.users.length;
  const userId = layer.users[k % n]!;
  // With one user the shift never changes hands.
  const end = n === 1 ? null : new Date(handoffAt(layer, zone, k + 1));
  return { userId, source: { type: 'layer', index, name: layer.name }, start: new Date(handoffAt(layer, zone, k)), end };
}

/** Who is on call in `schedule` at `at`. */
export function onCallAt(schedule: Schedule, at: Date): OnCall {
  const t = at.getTime();
  const overrides = schedule.overrides
    .filter((o) => o.start.getTime() <= t && t < o.end.getTime())
    .sort((a, b) => a.start.getTime() - b.start.getTime() || (a.id < b.id ? -1 : 1));
  const shifts: Shift[] =
    overrides.length > 0
      ? overrides.map((o) => ({ userId: o.userId, source: { type: 'override', id: o.id }, start: o.start, end: o.end }))
      : schedule.layers.flatMap((layer, i) => layerShift(layer, i, schedule.timeZone, t) ?? []);
  return { userIds: [...new Set(shifts.map((s) => s.userId))], shifts };
}
