/**
 * Wall-clock time in an IANA time zone, on Node's own ICU data (Intl.DateTimeFormat): no
 * dependency, and the zone rules are the ones Node ships and updates. Node 20 has no Temporal;
 * these few functions are all the schedule code needs.
 */

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True for an IANA zone name Node knows (e.g. Europe/Berlin, UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading in `zone` at `instant` (milliseconds since the epoch). */
export function toLocal(instant: number, zone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/**
 * Date.UTC for any year: Date.UTC reads years 0–99 as 1900–1999 (a schedule starting 0050-01-01
 * would start in 1950). Fields overflow as Date.UTC's do (month 13 is next January).
 */
export function utcTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

/** The zone's offset from UTC at `instant`, in milliseconds (whole seconds). */
export function offsetAt(instant: number, zone: string): number {
  const l = toLocal(instant, zone);
  const asUtc = utcTime(l.year, l.month, l.day, l.hour, l.minute, l.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

const HOUR = 3600_000;

/**
 * The instant a wall-clock time happens in `zone`, resolved as Temporal's "compatible" does:
 * a time that happens twice (fall back) is its first occurrence; a time skipped (spring forward)
 * is moved later by the length of the gap (02:30 on a day that jumps 02:00 → 03:00 is 03:30).
 */
export function fromLocal(l: LocalDateTime, zone: string): number {
  const wall = utcTime(l.year, l.month, l.day, l.hour, l.minute, l.second);
  // Zone offsets never change twice within a day, so the offsets 12 h either side are the only candidates.
  const before = offsetAt(wall - 12 * HOUR, zone);
  const after = offsetAt(wall + 12 * HOUR, zone);
  const valid = [...new Set([before, after])].map((o) => wall - o).filter((t) => wall - offsetAt(t, zone) === t);
  if (valid.length > 0) return Math.min(...valid);
  return wall - before; // in a gap: keep the earlier offset, which lands after the gap
}

/** Days from 1970-01-01 of a calendar date (no zone: dates are counted, not instants). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(utcTime(year, month, day) / 86400_000);
}

/** The calendar date `n` days from 1970-01-01. */
export function dateOfDay(n: number): { year: number; month: number; day: number } {
  const d = new Date(n * 86400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
