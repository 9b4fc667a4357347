/**
 * Opaque keyset cursors: base64url JSON of the last row's sort key. Decoding refuses
 * anything PostgreSQL would reject later (that would be a 500, not a 400).
 */
import { Errors } from '../errors.js';

const TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SQL that renders a timestamptz as a cursor time: UTC with microseconds (a millisecond Date would skip or repeat rows). */
export const CURSOR_TIME_SQL = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

const invalid = (why: string) =>
  Errors.invalidCursor('cursor is invalid', [{ path: '/query/cursor', message: `${why}; pass a nextCursor from a previous page` }]);

type FieldKind = 'time' | 'uuid' | 'int' | 'text';

/** Decodes a cursor whose fields have the given kinds; any other shape is a 400. */
export function decodeCursor<K extends string>(cursor: string, fields: Record<K, FieldKind>): Record<K, string> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor');
  }
  if (typeof value !== 'object' || value === null) throw invalid('not a cursor');
  const out = {} as Record<K, string>;
  for (const [name, kind] of Object.entries(fields) as [K, FieldKind][]) {
    const v = (value as Record<string, unknown>)[name];
    if (kind === 'int') {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalid('not a cursor');
      out[name] = String(v);
      continue;
    }
    if (typeof v !== 'string' || v.length > 200 || v.includes('\0')) throw invalid('not a cursor');
    if (kind === 'uuid' && !UUID.test(v)) throw invalid('not a cursor');
    if (kind === 'time' && !validTime(v)) throw invalid('bad timestamp');
    out[name] = v;
  }
  return out;
}

function validTime(v: string): boolean {
  const seconds = TIME.exec(v)?.[1];
  const parsed = seconds ? new Date(`${seconds}Z`) : undefined;
  // A rollover (Feb 30 → Mar 2) shows as a different second once formatted back.
  // JS has a year 0; PostgreSQL does not (1 BC comes before AD 1) and refuses '0000-…'.
  return !!parsed && !Number.isNaN(parsed.getTime()) && parsed.getUTCFullYear() >= 1 && parsed.toISOString().slice(0, 19) === seconds;
}
