/**
 * JSON documents for `json_to_recordset` parameters (rows sent as one JSON text instead of many
 * parameters). Dates need care, as node-postgres takes when it sends a Date: `toISOString` writes
 * a year after 9999 as `+010000-…` and one before 1 AD as `0000-…` or `-000001-…`, which PostgreSQL
 * refuses; it reads `10000-…` and `0001-… BC` (year 0 is 1 BC). Senders reach both (Datadog's epoch
 * milliseconds, an RFC 3339 `0000-01-01T00:00:00Z`); one such alert must not fail the batch it shares.
 */
export function pgTime(date: Date): string {
  const iso = date.toISOString();
  const year = date.getUTCFullYear();
  if (year >= 1 && year <= 9999) return iso;
  const rest = iso.slice(-20); // -MM-DDTHH:mm:ss.sssZ
  return year > 9999 ? `${year}${rest}` : `${String(1 - year).padStart(4, '0')}${rest} BC`;
}

/**
 * The rows as one JSON text, each row's Date columns written as pgTime writes them. Only a row's
 * own fields: a Date nested in a json column stays JSON.stringify's (it is text there, as the full
 * path writes it). A replacer function would cost a call per value: 3% of a storm's CPU.
 */
export function jsonRows(rows: readonly object[]): string {
  return JSON.stringify(rows.map(withPgTimes));
}

function withPgTimes(row: object): object {
  let copy: Record<string, unknown> | undefined;
  for (const key in row) {
    const value = (row as Record<string, unknown>)[key];
    if (!(value instanceof Date)) continue;
    copy ??= { ...row };
    copy[key] = pgTime(value);
  }
  return copy ?? row;
}
