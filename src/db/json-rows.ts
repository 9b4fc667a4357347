/**
 * JSON documents for `json_to_recordset` parameters (rows sent as one JSON text instead of many
 * parameters). Dates need care: `toISOString` writes a year after 9999 as `+010000-…`, which
 * PostgreSQL refuses ("time zone displacement out of range") where it reads `10000-…`, as
 * node-postgres sends a Date. A sender can reach such years (Datadog's epoch milliseconds); one
 * such alert must not fail the batch it shares. (Years before 1 AD never come out of an adapter.)
 */
export function pgTime(date: Date): string {
  const iso = date.toISOString();
  return iso.startsWith('+') ? iso.slice(1).replace(/^0+(?=\d{5})/, '') : iso;
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
