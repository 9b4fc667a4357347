/**
 * One endpoint for health checks, detected by the body's shape:
 *
 * | shape                                          | identity (= groupKey)  |
 * | Klaxon check `{check_id, status, …}`           | `check:<check_id>`     |
 * | Uptime Kuma `{heartbeat, monitor, msg}`        | `kuma:<monitor.id>`    |
 * | healthchecks.io template `{source:"healthchecks"}` or `$JSON` | `hc:<check uuid>` |
 * | Gatus template `{source:"gatus"}`              | `gatus:<group>/<name>` |
 *
 * down → firing SEV2, degraded → firing SEV3, up → resolved. maintenance,
 * unknown, pending (Kuma) and healthchecks' grace/paused/new change nothing: the
 * delivery is accepted with a note and no alert, so a check under maintenance
 * neither opens nor resolves an incident.
 */
import { Type, type Static } from 'typebox';
import {
  MAX_KEY_LENGTH, MAX_VALUE_LENGTH, checkText, clip, fail, isRecord, optionalText, pairsToLabels, parseTimestamp,
  readStringMap, tagsToLabels, throwIfIssues,
} from './limits.js';
import type { Adapter, AdapterContext, AdapterResult, NormalizedAlert, PayloadIssue } from './types.js';

const Text = (description: string) => Type.Optional(Type.String({ maxLength: MAX_VALUE_LENGTH, description }));

/** Klaxon's own health-check result, for checkers that can send any JSON. */
export const HealthCheckSchema = Type.Object(
  {
    check_id: Type.String({ minLength: 1, maxLength: MAX_KEY_LENGTH, description: 'Stable id of the check; the incident identity' }),
    check_name: Text('Human name, used in the incident title'),
    status: Type.Union(
      [Type.Literal('down'), Type.Literal('degraded'), Type.Literal('up'), Type.Literal('maintenance'), Type.Literal('unknown')],
      { description: 'down/degraded open or keep an incident, up resolves it, maintenance/unknown change nothing' },
    ),
    service: Text('Affected service'),
    target: Text('What was checked (URL, host:port, …)'),
    message: Text('Check output, shown in the incident'),
    observed_at: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339; defaults to the receive time' })),
    tags: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: MAX_VALUE_LENGTH }), { description: 'Become alert labels' })),
  },
  { $id: 'HealthCheck', title: 'Health check result' },
);
export type HealthCheck = Static<typeof HealthCheckSchema>;

type State = 'down' | 'degraded' | 'up';

/** One check's outcome before it becomes an alert; `skip` means accept and change nothing. */
interface Check {
  source: string;
  identity: string;
  name: string;
  state: State | { skip: string };
  labels: Record<string, string>;
  observedAt: Date | null;
  message?: string | undefined;
  target?: string | undefined;
  service?: string | undefined;
}

function toResult(c: Check, ctx: AdapterContext): AdapterResult {
  if (typeof c.state !== 'string') return { alerts: [], truncatedAlerts: 0, note: `${c.source} ${c.identity}: ${c.state.skip}; no alert change` };
  const state = c.state;
  const annotations: Record<string, string> = {};
  if (c.message) annotations['message'] = clip(c.message, MAX_VALUE_LENGTH);
  if (c.target) annotations['target'] = c.target;
  const alert: NormalizedAlert = {
    identity: c.identity,
    groupKey: c.identity,
    status: state === 'up' ? 'resolved' : 'firing',
    title: clip(`${c.name} is ${state}${c.message ? `: ${c.message.replace(/\s+/g, ' ').trim()}` : ''}`),
    labels: c.labels,
    annotations,
    startsAt: state === 'up' ? null : c.observedAt,
    endsAt: state === 'up' ? (c.observedAt ?? ctx.receivedAt) : null,
    severity:
      state === 'degraded'
        ? { severity: 'SEV3', reason: `${c.source}: status degraded → SEV3` }
        : { severity: 'SEV2', reason: `${c.source}: status ${state} → SEV2${state === 'up' ? ' (resolved)' : ''}` },
  };
  if (c.service) alert.service = c.service;
  if (c.target && /^https?:\/\//i.test(c.target)) alert.url = c.target;
  return { alerts: [alert], truncatedAlerts: 0 };
}

function time(value: string | undefined, path: string, issues: PayloadIssue[], assumeUtc = false): Date | null {
  if (!value) return null;
  const d = parseTimestamp(value, { assumeUtc });
  if (d === null) issues.push({ path, message: 'must be an RFC 3339 timestamp' });
  return d;
}

function required(value: string | undefined, path: string): string {
  if (!value) fail(path, 'is required');
  return value;
}

function fromGeneric(b: Record<string, unknown>, issues: PayloadIssue[]): Check {
  const id = required(optionalText(b['check_id'], '/check_id', issues, MAX_KEY_LENGTH), '/check_id');
  const status = optionalText(b['status'], '/status', issues, 32);
  if (!status || !['down', 'degraded', 'up', 'maintenance', 'unknown'].includes(status)) {
    fail('/status', 'must be one of down, degraded, up, maintenance, unknown');
  }
  const labels = b['tags'] == null ? {} : readStringMap(b['tags'], '/tags', issues);
  return {
    source: 'health check', identity: `check:${id}`,
    name: optionalText(b['check_name'], '/check_name', issues) ?? id,
    state: status === 'maintenance' || status === 'unknown' ? { skip: `status ${status}` } : (status as State),
    labels: { ...labels, check_id: id },
    observedAt: time(optionalText(b['observed_at'], '/observed_at', issues, 64), '/observed_at', issues),
    message: optionalText(b['message'], '/message', issues),
    target: optionalText(b['target'], '/target', issues),
    service: optionalText(b['service'], '/service', issues),
  };
}

const KUMA_STATES: Record<number, State | { skip: string }> = { 0: 'down', 1: 'up', 2: { skip: 'status pending' }, 3: { skip: 'status maintenance' } };

function fromKuma(b: Record<string, unknown>, issues: PayloadIssue[]): Check | string {
  const { heartbeat: hb, monitor: mon } = b;
  // The "Test" button and certificate-expiry notices carry only `msg`.
  if (hb == null && mon == null) return `Uptime Kuma message without heartbeat or monitor (test button or notice): ${String(b['msg'] ?? '')}`;
  if (!isRecord(mon) || (typeof mon['id'] !== 'number' && typeof mon['id'] !== 'string')) fail('/monitor/id', 'is required');
  if (!isRecord(hb) || typeof hb['status'] !== 'number' || !(hb['status'] in KUMA_STATES)) fail('/heartbeat/status', 'must be 0, 1, 2 or 3');
  const id = required(checkText(String(mon['id']), '/monitor/id', issues, MAX_KEY_LENGTH), '/monitor/id');
  const tags = Array.isArray(mon['tags']) ? mon['tags'].filter(isRecord) : [];
  const { labels } = pairsToLabels(tags.map((t) => [String(t['name'] ?? ''), String(t['value'] ?? '')] as const));
  const type = optionalText(mon['type'], '/monitor/type', issues, MAX_KEY_LENGTH);
  if (type) labels['monitor_type'] = type;
  const url = optionalText(mon['url'], '/monitor/url', issues);
  return {
    source: 'uptime kuma', identity: `kuma:${id}`,
    name: optionalText(mon['name'], '/monitor/name', issues) ?? `monitor ${id}`,
    state: KUMA_STATES[hb['status'] as number] as Check['state'],
    labels: { ...labels, monitor_id: id },
    // Kuma's heartbeat.time is "YYYY-MM-DD HH:mm:ss.SSS" in UTC with no zone.
    observedAt: time(optionalText(hb['time'], '/heartbeat/time', issues, 64), '/heartbeat/time', issues, true),
    message: optionalText(hb['msg'], '/heartbeat/msg', issues),
    // Non-HTTP monitors keep the form's "https://" placeholder in `url`.
    target: url && url !== 'https://' ? url : optionalText(mon['hostname'], '/monitor/hostname', issues),
  };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function hcState(status: string | undefined): Check['state'] {
  return status === 'down' || status === 'up' ? status : { skip: `status ${status ?? 'missing'}` };
}

function fromHealthchecks(b: Record<string, unknown>, issues: PayloadIssue[]): Check {
  const template = b['source'] === 'healthchecks';
  // $JSON has no uuid field; its ping_url/update_url end with it.
  const code = template
    ? optionalText(b['code'], '/code', issues, 64)
    : [...`${b['ping_url'] ?? ''} ${b['update_url'] ?? ''}`.matchAll(UUID)].map((m) => m[0]).shift();
  if (!code || !new RegExp(`^${UUID.source}$`, 'i').test(code)) fail(template ? '/code' : '/ping_url', 'must hold the check uuid ($CODE)');
  const { labels } = tagsToLabels((optionalText(b['tags'], '/tags', issues) ?? '').split(' '));
  return {
    source: 'healthchecks.io', identity: `hc:${code.toLowerCase()}`,
    name: optionalText(b['name'], '/name', issues) || code,
    state: hcState(optionalText(b['status'], '/status', issues, 32)),
    labels,
    observedAt: template ? time(optionalText(b['now'], '/now', issues, 64), '/now', issues) : null,
    message: template ? undefined : optionalText(b['desc'], '/desc', issues),
    // healthchecks.io tags are free words; a `service:x` tag names the service.
    service: labels['service'],
  };
}

const GATUS_STATES: Record<string, State> = { triggered: 'down', resolved: 'up', down: 'down', degraded: 'degraded', up: 'up' };

function fromGatus(b: Record<string, unknown>, issues: PayloadIssue[]): Check {
  const group = optionalText(b['group'], '/group', issues, MAX_KEY_LENGTH) ?? '';
  const name = required(optionalText(b['name'], '/name', issues, MAX_KEY_LENGTH), '/name');
  const status = optionalText(b['status'], '/status', issues, 32)?.toLowerCase() ?? '';
  if (!Object.hasOwn(GATUS_STATES, status)) fail('/status', 'must be TRIGGERED or RESOLVED ([ALERT_TRIGGERED_OR_RESOLVED])');
  return {
    source: 'gatus', identity: `gatus:${group}/${name}`,
    name: group ? `${group}/${name}` : name,
    state: GATUS_STATES[status] as State,
    labels: group ? { group, endpoint: name } : { endpoint: name },
    observedAt: null,
    message: optionalText(b['description'], '/description', issues),
    target: optionalText(b['url'], '/url', issues),
  };
}

const GATUS_KEY = /"(source|group|name|status|url|description)"\s*:\s*"/g;

/**
 * Gatus substitutes placeholders without JSON escaping, so a `"` or `\` in a
 * name or description breaks the JSON. For bodies that carry our template's
 * `"source":"gatus"` marker, each known key's value is taken verbatim up to the
 * next known key (or the closing brace). A value containing the text
 * `"name":"` would still be cut short; nothing else is guessed.
 */
export function parseGatusLeniently(text: string): Record<string, string> | undefined {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}') || !/"source"\s*:\s*"gatus"/.test(t)) return undefined;
  const marks = [...t.matchAll(GATUS_KEY)];
  const out: Record<string, string> = {};
  marks.forEach((m, i) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = marks[i + 1]?.index ?? t.length - 1;
    out[m[1] as string] ??= t.slice(start, end).replace(/"\s*,?\s*$/, '');
  });
  return out;
}

/** The body as an object: parsed by the route, or parsed here from the raw text (no Content-Type). */
function decode(body: unknown, ctx: AdapterContext): Record<string, unknown> {
  if (isRecord(body)) return body;
  const raw = typeof body === 'string' ? body : ctx.rawBody;
  if (raw.trim() === '') fail('', 'is empty: expected a health check JSON object');
  try {
    const parsed: unknown = JSON.parse(raw);
    if (isRecord(parsed)) return parsed;
  } catch {
    const gatus = parseGatusLeniently(raw);
    if (gatus) return gatus;
    fail('', 'is not valid JSON');
  }
  return fail('', 'must be a JSON object');
}

/**
 * Decodes a health-check delivery (Klaxon check, Uptime Kuma, healthchecks.io or
 * Gatus, detected by shape) into at most one alert. Throws PayloadError for an
 * unrecognised shape; returns a note and no alert for states that change nothing.
 */
export const adaptHealth: Adapter = (body, ctx) => {
  const b = decode(body, ctx);
  const issues: PayloadIssue[] = [];
  let check: Check | string;
  // Kuma drops null keys in some versions, so a lone `msg` is its test message too.
  const kumaTest = typeof b['msg'] === 'string' && Object.keys(b).length === 1;
  if (('heartbeat' in b && 'monitor' in b) || kumaTest) check = fromKuma(b, issues);
  else if (b['source'] === 'healthchecks') check = fromHealthchecks(b, issues);
  else if (b['source'] === 'gatus') check = fromGatus(b, issues);
  else if ('check_id' in b) check = fromGeneric(b, issues);
  else if (typeof b['ping_url'] === 'string' || typeof b['update_url'] === 'string') check = fromHealthchecks(b, issues);
  else {
    fail('', 'unrecognised health payload: expected a Klaxon check {check_id, status}, Uptime Kuma {heartbeat, monitor}, ' +
      'healthchecks.io {source:"healthchecks"} or $JSON, or Gatus {source:"gatus"}');
  }
  throwIfIssues(issues);
  return typeof check === 'string' ? { alerts: [], truncatedAlerts: 0, note: check } : toResult(check, ctx);
};
