/**
 * PagerDuty Events API v2 (`/v2/enqueue`) and v1 (`create_event.json`) → normalized alerts.
 *
 * identity: the event's `dedup_key` (v1 `incident_key`), as sent, at most 255 characters. A trigger
 *   without one (absent or "") gets the caller's fresh `ctx.newKey`, which the answer returns, so the
 *   sender's later resolve with that key finds it (Gatus). PagerDuty scopes keys by routing key, as
 *   Klaxon scopes identities by integration.
 * groupKey: `pagerduty:<dedup_key>` — one incident per key, as PagerDuty opens one per alert.
 *
 * Severity (payload.severity, case-insensitive): critical → SEV1, error → SEV2, warning → SEV3,
 * info → SEV4. v1 events carry none and count as `error` (SEV2).
 *
 * `acknowledge` becomes an action on the alert; `resolve` without a payload resolves the alert and
 * keeps what the trigger said about it. Unknown top-level fields are ignored (Alertmanager's v1 bodies
 * carry `"event_action":""` and `"payload":null`).
 */
import {
  clip,
  fail,
  isRecord,
  MAX_LABELS_PER_ALERT,
  MAX_VALUE_LENGTH,
  optionalText,
  parseTimestamp,
  storable,
  throwIfIssues,
} from './limits.js';
import type { AdapterContext, AdapterResult, NormalizedAlert, PayloadIssue, Severity, SeverityDecision } from './types.js';

export const PD_EVENT_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
export type PagerDutyAction = (typeof PD_EVENT_ACTIONS)[number];

export const PD_SEVERITIES: Readonly<Record<string, Severity>> = { critical: 'SEV1', error: 'SEV2', warning: 'SEV3', info: 'SEV4' };
export const MAX_DEDUP_KEY = 255;
export const MAX_SUMMARY = 1024;
const MAX_LINKS = 50;

/** PagerDuty severity → Klaxon severity, with the reason shown on the alert. */
export function pagerDutySeverity(raw: string): SeverityDecision | undefined {
  const key = raw.trim().toLowerCase();
  const severity = Object.hasOwn(PD_SEVERITIES, key) ? PD_SEVERITIES[key] : undefined;
  return severity && { severity, reason: `pagerduty severity ${JSON.stringify(raw)} → ${severity}` };
}

/** The routing key of a v2 body (or the service key of a v1 body), when it is a usable string. */
export function routingKeyOf(body: unknown, field: 'routing_key' | 'service_key'): string | undefined {
  const value = isRecord(body) ? body[field] : undefined;
  return typeof value === 'string' && value.length > 0 && value.length <= 512 ? value : undefined;
}

/** A JSON value as annotation text: strings as they are, anything else as JSON; clipped, never refused. */
export function annotationText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? undefined : clip(storable(text), MAX_VALUE_LENGTH);
}

/** custom_details / details → annotations `details.<name>`: free-form, so clipped and capped, never refused. */
export function detailAnnotations(details: unknown, into: Record<string, string>, prefix = 'details'): void {
  if (details === undefined || details === null) return;
  if (!isRecord(details)) {
    const text = annotationText(details);
    if (text !== undefined) into[prefix] = text;
    return;
  }
  let kept = 0;
  for (const [name, value] of Object.entries(details)) {
    if (kept >= MAX_LABELS_PER_ALERT - 16) break; // room for the fields Klaxon sets itself
    const text = annotationText(value);
    if (text === undefined || name.length === 0 || name.length > 200) continue;
    into[`${prefix}.${storable(name)}`] = text;
    kept++;
  }
}

type Link = { href: string; text?: string };

/** Well-formed `{href, text?}` links (v1 contexts of type link too); malformed ones are dropped. */
export function readLinks(value: unknown): Link[] {
  if (!Array.isArray(value)) return [];
  const links: Link[] = [];
  for (const item of value.slice(0, MAX_LINKS)) {
    if (!isRecord(item) || typeof item.href !== 'string' || item.href === '' || item.href.length > 2048) continue;
    if (item.type !== undefined && item.type !== 'link') continue;
    const href = storable(item.href);
    links.push(typeof item.text === 'string' ? { href, text: clip(storable(item.text), 256) } : { href });
  }
  return links;
}

function readImages(value: unknown): Array<{ src: string; href?: string; alt?: string }> {
  if (!Array.isArray(value)) return [];
  return value
    .slice(0, MAX_LINKS)
    .filter((i): i is Record<string, unknown> => isRecord(i) && typeof i.src === 'string' && i.src !== '' && i.src.length <= 2048)
    .filter((i) => i.type === undefined || i.type === 'image')
    .map((i) => ({
      src: storable(i.src as string),
      ...(typeof i.href === 'string' ? { href: storable(i.href) } : {}),
      ...(typeof i.alt === 'string' ? { alt: clip(storable(i.alt), 256) } : {}),
    }));
}

/** The dedup key: "" counts as absent (Gatus sends it on every trigger). */
function readKey(value: unknown, path: string, issues: PayloadIssue[]): string | undefined {
  const key = optionalText(value, path, issues, MAX_DEDUP_KEY);
  return key === '' ? undefined : key;
}

/** What both API versions say about one event, once read. */
interface PagerDutyEvent {
  action: PagerDutyAction;
  key: string | undefined;
  summary?: string;
  severity?: SeverityDecision;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  url?: string;
}

function toResult(event: PagerDutyEvent, ctx: AdapterContext): AdapterResult {
  const identity = event.key ?? ctx.newKey;
  if (identity === undefined) fail('/dedup_key', 'is required: no key could be generated');
  if (event.action === 'acknowledge') return { alerts: [], truncatedAlerts: 0, actions: [{ type: 'acknowledge', identity }] };
  const resolved = event.action === 'resolve';
  const alert: NormalizedAlert = {
    identity,
    groupKey: `pagerduty:${identity}`,
    status: resolved ? 'resolved' : 'firing',
    title: clip((event.summary ?? `PagerDuty event ${identity}`).replace(/\s+/g, ' ').trim() || identity),
    labels: event.labels,
    annotations: event.annotations,
    startsAt: null,
    endsAt: resolved ? ctx.receivedAt : null,
    severity: event.severity ?? { severity: 'SEV2', reason: 'pagerduty: no severity → SEV2 (as error)' },
  };
  if (event.url) alert.url = event.url;
  // A resolve names the alert; it need not describe it again (PagerDuty's own examples send no payload).
  if (resolved && event.summary === undefined) alert.detailsOmitted = true;
  return { alerts: [alert], truncatedAlerts: 0 };
}

function readAction(value: unknown, path: string, issues: PayloadIssue[]): PagerDutyAction {
  if (typeof value === 'string' && (PD_EVENT_ACTIONS as readonly string[]).includes(value)) return value as PagerDutyAction;
  issues.push({ path, message: `must be one of ${PD_EVENT_ACTIONS.join(', ')}` });
  return 'trigger';
}

function required(value: string | undefined, path: string, issues: PayloadIssue[]): string | undefined {
  if (value === undefined || value.trim() === '') issues.push({ path, message: 'is required for a trigger' });
  return value;
}

/** Decodes an Events API v2 alert event (`POST /v2/enqueue`). */
export function adaptPagerDutyV2(body: unknown, ctx: AdapterContext): AdapterResult {
  if (!isRecord(body)) fail('', 'must be a JSON object (PagerDuty Events API v2 event)');
  const issues: PayloadIssue[] = [];
  const action = readAction(body.event_action, '/event_action', issues);
  const key = readKey(body.dedup_key, '/dedup_key', issues);
  if (action !== 'trigger' && key === undefined && !issues.length)
    issues.push({ path: '/dedup_key', message: `is required for ${action}` });
  const event: PagerDutyEvent = { action, key, labels: {}, annotations: {} };
  const payload = body.payload;
  if (action === 'trigger' && !isRecord(payload)) issues.push({ path: '/payload', message: 'is required for a trigger (an object)' });
  if (isRecord(payload) && action !== 'acknowledge') {
    const text = (name: string, max = 1024) => optionalText(payload[name], `/payload/${name}`, issues, max);
    const summary = text('summary', MAX_SUMMARY);
    const source = text('source');
    const severity = text('severity', 64);
    if (action === 'trigger') {
      required(summary, '/payload/summary', issues);
      required(source, '/payload/source', issues);
      required(severity, '/payload/severity', issues);
    }
    if (summary?.trim()) event.summary = summary;
    if (severity?.trim()) {
      event.severity = pagerDutySeverity(severity);
      if (!event.severity) issues.push({ path: '/payload/severity', message: `must be one of ${Object.keys(PD_SEVERITIES).join(', ')}` });
      event.labels.severity = severity.trim().toLowerCase();
    }
    for (const [name, value] of [
      ['source', source],
      ['component', text('component')],
      ['group', text('group')],
      ['class', text('class')],
    ]) {
      if (value?.trim()) event.labels[name!] = value.trim();
    }
    const timestamp = text('timestamp', 64);
    if (timestamp) {
      if (parseTimestamp(timestamp) === null) issues.push({ path: '/payload/timestamp', message: 'must be an ISO 8601 date-time' });
      else event.annotations.timestamp = timestamp;
    }
    detailAnnotations(payload.custom_details, event.annotations);
  }
  const client = optionalText(body.client, '/client', [], 1024);
  const clientUrl = optionalText(body.client_url, '/client_url', [], 2048);
  if (client) event.labels.client = client;
  if (clientUrl) event.annotations.client_url = clientUrl;
  const links = readLinks(body.links);
  const images = readImages(body.images);
  if (links.length) event.annotations.links = JSON.stringify(links);
  if (images.length) event.annotations.images = JSON.stringify(images);
  if (event.summary) event.annotations.summary = event.summary;
  event.url = clientUrl || links[0]?.href;
  throwIfIssues(issues);
  return toResult(event, ctx);
}

/** Decodes an Events API v1 event (`POST /generic/2010-04-15/create_event.json`). */
export function adaptPagerDutyV1(body: unknown, ctx: AdapterContext): AdapterResult {
  if (!isRecord(body)) fail('', 'must be a JSON object (PagerDuty Events API v1 event)');
  const issues: PayloadIssue[] = [];
  const action = readAction(body.event_type, '/event_type', issues);
  const key = readKey(body.incident_key, '/incident_key', issues);
  if (action !== 'trigger' && key === undefined && !issues.length)
    issues.push({ path: '/incident_key', message: `is required for ${action}` });
  const event: PagerDutyEvent = { action, key, labels: {}, annotations: {} };
  const description = optionalText(body.description, '/description', issues, MAX_SUMMARY);
  if (action === 'trigger') required(description, '/description', issues);
  if (description?.trim() && action !== 'acknowledge') event.summary = description;
  if (action === 'trigger') event.severity = { severity: 'SEV2', reason: 'pagerduty v1 event (no severity) → SEV2 (as error)' };
  detailAnnotations(body.details, event.annotations);
  const client = optionalText(body.client, '/client', [], 1024);
  const clientUrl = optionalText(body.client_url, '/client_url', [], 2048);
  if (client) event.labels.client = client;
  if (clientUrl) event.annotations.client_url = clientUrl;
  const links = readLinks(body.contexts);
  const images = readImages(body.contexts);
  if (links.length) event.annotations.links = JSON.stringify(links);
  if (images.length) event.annotations.images = JSON.stringify(images);
  if (event.summary) event.annotations.summary = event.summary;
  event.url = clientUrl || links[0]?.href;
  throwIfIssues(issues);
  return toResult(event, ctx);
}
