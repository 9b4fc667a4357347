/**
 * Bounds on what one webhook delivery may carry, and the small decoding helpers
 * every adapter shares (string maps, JSON pointers, timestamps, tag lists).
 *
 * Lengths are counted in UTF-16 code units (`string.length`), which is what the
 * rest of the service and Postgres `text` checks see cheaply.
 */
import { PayloadError, type PayloadIssue } from './types.js';

export const MAX_ALERTS_PER_DELIVERY = 1000;
/** Per map: labels and annotations are counted separately. */
export const MAX_LABELS_PER_ALERT = 128;
export const MAX_KEY_LENGTH = 256;
export const MAX_VALUE_LENGTH = 16384;
/** Titles are derived text, so they are clipped rather than rejected. */
export const MAX_TITLE_LENGTH = 512;
/** A PayloadError lists at most this many issues, so a bad 1000-alert body stays readable. */
export const MAX_ISSUES = 20;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Appends RFC 6901 reference tokens to a JSON pointer. */
export function pointer(base: string, ...tokens: Array<string | number>): string {
  let out = base;
  for (const token of tokens) out += `/${escapeToken(String(token))}`;
  return out;
}

// Built for every field of every alert, error or not: the common token is returned as it is.
const escapeToken = (t: string): string => (t.includes('~') || t.includes('/') ? t.replace(/~/g, '~0').replace(/\//g, '~1') : t);

type WellFormed = { toWellFormed(): string };

/** Replaces lone UTF-16 surrogates with U+FFFD so every later UTF-8 encoding is lossless. */
export function wellFormed(s: string): string {
  // Node 20 has String.prototype.toWellFormed; the ES2023 lib typings do not.
  return (s as unknown as WellFormed).toWellFormed();
}

/**
 * Text PostgreSQL can store (text and jsonb alike): well-formed, with NUL shown as
 * the six characters `\u0000`. Applied where sender text leaves ingestion: problem
 * bodies and the delivery's audit record (incidents/deliveries.ts).
 */
export function storable(s: string): string {
  return wellFormed(s).replaceAll('\u0000', '\\u0000');
}

/** Throws a PayloadError when there are issues, capped at MAX_ISSUES. */
export function throwIfIssues(issues: PayloadIssue[]): void {
  if (issues.length === 0) return;
  if (issues.length <= MAX_ISSUES) throw new PayloadError(issues);
  const kept = issues.slice(0, MAX_ISSUES);
  kept.push({ path: '', message: `${issues.length - MAX_ISSUES} more issues not shown` });
  throw new PayloadError(kept);
}

/** Throws a PayloadError with one issue. */
export function fail(path: string, message: string): never {
  throw new PayloadError([{ path, message }]);
}

/**
 * Checks a string value: rejects NUL (Postgres `text` cannot store it) and values
 * longer than `max`; returns it well-formed, or undefined after recording an issue.
 */
export function checkText(value: string, path: string, issues: PayloadIssue[], max = MAX_VALUE_LENGTH): string | undefined {
  if (value.includes('\u0000')) {
    issues.push({ path, message: 'must not contain NUL characters' });
    return undefined;
  }
  if (value.length > max) {
    issues.push({ path, message: `must be at most ${max} characters (got ${value.length})` });
    return undefined;
  }
  return wellFormed(value);
}

/** An optional string field: undefined/null → undefined; non-strings are issues. */
export function optionalText(value: unknown, path: string, issues: PayloadIssue[], max = MAX_VALUE_LENGTH): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    issues.push({ path, message: 'must be a string' });
    return undefined;
  }
  return checkText(value, path, issues, max);
}

/**
 * Validates a flat `{string: string}` map (labels, annotations, tags) against the
 * limits. Issues carry JSON-pointer paths; the result holds only valid entries.
 */
export function readStringMap(value: unknown, path: string, issues: PayloadIssue[]): Record<string, string> {
  if (!isRecord(value)) {
    issues.push({ path, message: 'must be an object whose values are strings' });
    return {};
  }
  const keys = Object.keys(value);
  if (keys.length > MAX_LABELS_PER_ALERT) {
    issues.push({ path, message: `must have at most ${MAX_LABELS_PER_ALERT} entries (got ${keys.length})` });
    return {};
  }
  const entries: Array<[string, string]> = [];
  for (const key of keys) {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      // The key itself may be huge: report at the map, not at a giant pointer.
      issues.push({ path, message: `keys must be 1 to ${MAX_KEY_LENGTH} characters (got one of ${key.length})` });
      continue;
    }
    // Keys get the values' leniency: NUL is refused, lone surrogates become U+FFFD.
    // A NUL key is reported at the map, shown escaped: a path must never carry it.
    if (key.includes('\u0000')) {
      issues.push({ path, message: `key ${JSON.stringify(key)} must not contain NUL characters` });
      continue;
    }
    const name = wellFormed(key);
    const at = pointer(path, name);
    const v = value[key];
    if (typeof v !== 'string') {
      issues.push({ path: at, message: 'must be a string' });
      continue;
    }
    const text = checkText(v, at, issues);
    if (text !== undefined) entries.push([name, text]);
  }
  // fromEntries defines own properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(entries);
}

/** Cuts derived text to `max` characters with an ellipsis, never splitting a surrogate pair. */
export function clip(s: string, max = MAX_TITLE_LENGTH): string {
  if (s.length <= max) return s;
  let cut = max - 1;
  const last = s.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--; // keep the pair whole by dropping its first half
  return `${wellFormed(s.slice(0, cut))}…`;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/** A regex group as a number (0 when absent). */
const num = (x: string | undefined): number => Number(x ?? 0);

/**
 * Parses RFC 3339 with any fractional precision (Go sends nanoseconds, which
 * `Date.parse` rejects on some engines) and any offset; sub-millisecond digits
 * are truncated. A value without an offset is accepted only with `assumeUtc`
 * (Uptime Kuma's `YYYY-MM-DD HH:mm:ss.SSS`). Returns null when unparseable.
 */
export function parseTimestamp(s: string, opts: { assumeUtc?: boolean } = {}): Date | null {
  const m = TIMESTAMP.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, z, sign, oh, om] = m;
  if (!z && !sign && !opts.assumeUtc) return null;
  if (num(h) > 23 || num(mi) > 59 || num(sec) > 59 || num(oh) > 23 || num(om) > 59) return null;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999, and Go's zero time is year 1.
  date.setUTCFullYear(num(y), num(mo) - 1, num(d));
  if (date.getUTCMonth() !== num(mo) - 1 || date.getUTCDate() !== num(d)) return null;
  date.setUTCHours(num(h), num(mi), num(sec), Number(`${frac ?? ''}000`.slice(0, 3)));
  const offsetMinutes = sign ? (sign === '-' ? -1 : 1) * (num(oh) * 60 + num(om)) : 0;
  return new Date(date.getTime() - offsetMinutes * 60_000);
}

// Anything before 0001-01-02 is Go's zero time in some offset rendering.
const GO_ZERO_TIME_END = -62135510400000;

/** True for Go's zero `time.Time` ("0001-01-01T00:00:00Z" in any offset/precision). */
export function isZeroTime(d: Date): boolean {
  return d.getTime() < GO_ZERO_TIME_END;
}

/**
 * Turns `k:v` tags into labels (split at the first colon; a bare tag `foo` becomes
 * `foo=""`). See pairsToLabels for repeats and limits.
 */
export function tagsToLabels(tags: Iterable<string>): { labels: Record<string, string>; dropped: number } {
  const pairs: Array<[string, string]> = [];
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag === '') continue;
    const colon = tag.indexOf(':');
    pairs.push(colon < 0 ? [tag, ''] : [tag.slice(0, colon), tag.slice(colon + 1)]);
  }
  return pairsToLabels(pairs);
}

/**
 * Builds labels from derived name/value pairs; repeated names join their values
 * sorted with ",". Pairs that break the limits are dropped and counted, not
 * rejected: the sender's tags are not something a retry can fix.
 */
export function pairsToLabels(pairs: Iterable<readonly [string, string]>): { labels: Record<string, string>; dropped: number } {
  const values = new Map<string, Set<string>>();
  let dropped = 0;
  for (const [raw, value] of pairs) {
    const bad = raw.length === 0 || raw.length > MAX_KEY_LENGTH || raw.includes('\u0000') || value.includes('\u0000');
    // Grouped by the well-formed name: a lone surrogate and U+FFFD are the same label once stored.
    const key = wellFormed(raw);
    const full = !values.has(key) && values.size >= MAX_LABELS_PER_ALERT;
    if (bad || full) {
      dropped++;
      continue;
    }
    const set = values.get(key) ?? new Set<string>();
    set.add(wellFormed(value));
    values.set(key, set);
  }
  const entries: Array<[string, string]> = [];
  for (const [key, set] of values) {
    const joined = [...set].sort().join(',');
    if (joined.length > MAX_VALUE_LENGTH) dropped++;
    else entries.push([key, joined]);
  }
  return { labels: Object.fromEntries(entries), dropped };
}
