/**
 * One endpoint for health checks, each body decoded by one format:
 *
 * | format         | recognised by (without a pin)                               | identity (= groupKey)  |
 * | `generic`      | `check_id` (Klaxon's `{check_id, status, …}`)              | `check:<check_id>`     |
 * | `uptime-kuma`  | `heartbeat` and `monitor` (or a lone `msg`: its Test)      | `kuma:<monitor.id>`    |
 * | `healthchecks` | `$CODE` uuid with `$STATUS` up/down, or the `$JSON` object | `hc:<check uuid>`      |
 * | `gatus`        | `TRIGGERED`/`RESOLVED` under a status key                  | `gatus:<group>/<name>` |
 *
 * An integration that pins its format skips recognition: only that decoder runs
 * and its errors are reported. See detect.ts for how ambiguity is refused.
 *
 * down → firing SEV2, degraded → firing SEV3, up → resolved. maintenance,
 * unknown, pending (Kuma) and healthchecks' grace/paused/new change nothing: the
 * delivery is accepted with a note and no alert, so a check under maintenance
 * neither opens nor resolves an incident.
 */
import { fail, isRecord, throwIfIssues } from '../limits.js';
import type { Adapter, AdapterContext, PayloadIssue } from '../types.js';
import { type FormatName, toResult } from './check.js';
import { DECODERS, detectFormat } from './detect.js';
import { parseGatusLeniently } from './gatus.js';

export { type HealthCheck, HealthCheckSchema } from './generic.js';
export { parseGatusLeniently };

/** The body as an object: parsed by the route, or parsed here from the raw text (no Content-Type). */
function decodeBody(body: unknown, ctx: AdapterContext, pinned: FormatName | undefined): Record<string, unknown> {
  if (isRecord(body)) return body;
  const raw = typeof body === 'string' ? body : ctx.rawBody;
  if (raw.trim() === '') fail('', 'is empty: expected a health check JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    const gatus = pinned === undefined || pinned === 'gatus' ? parseGatusLeniently(raw, { pinned: pinned === 'gatus' }) : undefined;
    if (gatus) return gatus;
    fail('', 'is not valid JSON');
  }
  if (!isRecord(parsed)) fail('', 'must be a JSON object');
  return parsed;
}

/**
 * Decodes a health-check delivery into at most one alert, with the integration's
 * pinned format or the one the body is recognised as. Throws PayloadError for a
 * body it cannot decode; returns a note and no alert for states that change nothing.
 */
export const adaptHealth: Adapter = (body, ctx) => {
  const pinned = ctx.format && ctx.format !== 'auto' ? ctx.format : undefined;
  const b = decodeBody(body, ctx, pinned);
  const { decoder, signal } = pinned ? { decoder: DECODERS[pinned], signal: '' } : detectFormat(b);
  const issues: PayloadIssue[] = [];
  const check = decoder.decode(b, issues);
  const how = pinned ? "the integration's pinned format" : `recognised by ${signal}`;
  throwIfIssues(issues.map((i) => ({ ...i, message: `${i.message} — read as ${decoder.format}, ${how}` })));
  if (check === null) fail('', `not decodable as ${decoder.format}`); // decoders return null only after recording issues
  return typeof check === 'string' ? { alerts: [], truncatedAlerts: 0, note: check } : toResult(check, ctx);
};
