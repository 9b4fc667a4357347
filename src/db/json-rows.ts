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

/** JSON.stringify with every Date written as pgTime writes it. */
export function jsonRows(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    return raw instanceof Date ? pgTime(raw) : v;
  });
}
