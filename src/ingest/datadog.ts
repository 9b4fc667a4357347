/**
 * Datadog Webhooks integration → normalized alerts.
 *
 * Accepts the tile's default payload (`body`, `title`, `date`, `id`, `org`, …)
 * and Klaxon's recommended template (docs/integrations.md), whose keys are the
 * variable names in snake_case (`alert_id`, `alert_scope`, `alert_transition`, …).
 * Both can be mixed: template fields win, default fields fill in.
 *
 * identity: `monitor:<monitor id>|scope:<scope>`, scope = the triggering group's
 *   tags sorted and comma-joined ('' for a simple monitor).
 * groupKey: `monitor:<monitor id>`.
 * `$ID` (new per event) and the title (changes per transition) are never keys.
 */
import { checkText, clip, fail, isRecord, MAX_VALUE_LENGTH, parseTimestamp, tagsToLabels, throwIfIssues } from './limits.js';
import type { Adapter, AlertStatus, NormalizedAlert, PayloadIssue, Severity, SeverityDecision } from './types.js';

// A variable Datadog did not know is sent literally ("$ALERT_SCOPE"): treat as absent.
const UNSUBSTITUTED = /^\$[A-Z][A-Z0-9_]*$/;
const FIRING = new Set(['triggered', 're-triggered', 'warn', 're-warn', 'no data', 're-no data', 'renotify']);
const PRIORITY: Readonly<Record<string, Severity>> = { P1: 'SEV1', P2: 'SEV2', P3: 'SEV3', P4: 'SEV4', P5: 'SEV4' };
const TYPE_SEVERITY: Readonly<Record<string, Severity>> = { error: 'SEV2', warning: 'SEV3', info: 'SEV4' };

type Fields = Record<string, unknown>;

/** Reads a scalar field as text; '' and unsubstituted `$VARS` are absent. */
function text(obj: Fields, key: string, path: string, issues: PayloadIssue[], long = false): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') {
    issues.push({ path, message: 'must be a string' });
    return undefined;
  }
  let s = String(v).trim();
  if (s === '' || UNSUBSTITUTED.test(s)) return undefined;
  // Message bodies can be long and are only shown to people: clip, don't reject.
  if (long) s = clip(s, MAX_VALUE_LENGTH);
  return checkText(s, path, issues);
}

/** What the bracket tokens of a title say: `[P3] [Triggered on {host:a}] [TEST] Disk full`. */
interface TitleTokens {
  transition?: string;
  scope?: string;
  priority?: string;
  test: boolean;
  rest: string;
}

export function transitionStatus(transition: string): AlertStatus | undefined {
  const t = transition.trim().toLowerCase();
  if (FIRING.has(t)) return 'firing';
  // "Recovered" and documented variants such as "Warn Recovered".
  if (/(^|\s)recovered$/.test(t)) return 'resolved';
  return undefined;
}

function parseTitle(title: string): TitleTokens {
  const out: TitleTokens = { test: false, rest: '' };
  out.rest = title
    .replace(/\[([^[\]]*)\]/g, (token, inner: string) => {
      const s = inner.trim();
      if (/^P[1-5]$/i.test(s)) out.priority ??= s.toUpperCase();
      else if (/^TEST$/i.test(s)) out.test = true;
      else {
        const m = /^(.+?)(?:\s+on\s+\{(.*)\})?$/.exec(s);
        if (!m?.[1] || transitionStatus(m[1]) === undefined) return token;
        out.transition ??= m[1];
        if (m[2] !== undefined) out.scope ??= m[2];
      }
      return '';
    })
    .replace(/\s+/g, ' ')
    .trim();
  return out;
}

/** Sorts a comma-separated tag list so the same group always yields the same identity. */
export function normalizeScope(scope: string | undefined): string {
  if (!scope) return '';
  return scope
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .sort()
    .join(',');
}

/** The monitor id and group Datadog put in the body's "[Monitor Status](…)" link (else the last monitor link). */
function monitorFromBody(body: string | undefined): { id?: string; group?: string; link?: string } {
  if (!body) return {};
  const status = /\[Monitor Status\]\((https?:\/\/[^)\s]*\/monitors[/#](\d+)[^)\s]*)\)/.exec(body);
  const any = [...body.matchAll(/https?:\/\/[^)\s\]]*\/monitors[/#](\d+)[^)\s\]]*/g)].pop();
  const link = status?.[1] ?? any?.[0];
  const group = link ? /[?&]group=([^&#]*)/.exec(link)?.[1] : undefined;
  let decoded: string | undefined;
  try {
    decoded = group === undefined ? undefined : decodeURIComponent(group.replace(/\+/g, ' '));
  } catch {
    decoded = undefined; // a malformed escape is no scope, not a reason to lose the alert
  }
  // %00 decodes to NUL, which the identity (text) cannot hold: no scope either.
  if (decoded?.includes('\u0000')) decoded = undefined;
  return { id: status?.[2] ?? any?.[1], group: decoded, link };
}

function epoch(value: string | undefined): Date | null {
  if (!value) return null;
  if (/^\d{1,16}$/.test(value)) {
    const n = Number(value);
    const date = new Date(n < 1e11 ? n * 1000 : n); // $DATE is ms; tolerate seconds
    // Beyond what a Date holds (±8.64e15 ms) the time is no time: absent, not a database error.
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return parseTimestamp(value);
}

function severityOf(priority: string | undefined, titlePriority: string | undefined, alertType: string | undefined): SeverityDecision {
  const p = priority?.toUpperCase();
  if (p !== undefined && Object.hasOwn(PRIORITY, p)) {
    return { severity: PRIORITY[p] as Severity, reason: `datadog alert_priority "${p}" → ${PRIORITY[p]}` };
  }
  if (titlePriority !== undefined && Object.hasOwn(PRIORITY, titlePriority)) {
    const severity = PRIORITY[titlePriority] as Severity;
    return { severity, reason: `datadog title priority [${titlePriority}] → ${severity}` };
  }
  const t = alertType;
  if (t !== undefined && Object.hasOwn(TYPE_SEVERITY, t)) {
    const severity = TYPE_SEVERITY[t] as Severity;
    return { severity, reason: `datadog: no priority; alert_type "${t}" → ${severity}` };
  }
  if (t !== undefined) return { severity: 'SEV3', reason: `datadog: no priority; alert_type "${t}" → SEV3 (default)` };
  return { severity: 'SEV3', reason: 'datadog: no priority or alert_type → SEV3 (default)' };
}

/**
 * Decodes one Datadog webhook delivery into one alert. Throws PayloadError when
 * no monitor id can be found or firing cannot be told from recovered; a Datadog
 * "Test Notification" (`[TEST]` in the title) is accepted with a note and no alert.
 */
export const adaptDatadog: Adapter = (body, ctx) => {
  if (!isRecord(body)) fail('', 'must be a JSON object (Datadog webhook payload)');
  const issues: PayloadIssue[] = [];
  const get = (key: string, long = false): string | undefined => text(body, key, `/${key}`, issues, long);
  const org: Fields = isRecord(body['org']) ? body['org'] : {};

  const message = get('body', true);
  const fromBody = monitorFromBody(message);
  const eventTitle = get('title');
  const alertTitle = get('alert_title');
  const tokens = parseTitle(alertTitle ?? eventTitle ?? '');
  const eventTokens = eventTitle && alertTitle ? parseTitle(eventTitle) : tokens;
  const transition = get('alert_transition');
  const alertType = get('alert_type')?.toLowerCase();
  const priority = get('alert_priority');
  const sentMonitorId = get('alert_id');
  const scopeText = get('alert_scope');
  const tagsText = get('tags');
  const annotations: Record<string, string> = {};
  for (const [key, name] of [
    ['alert_status', 'alert_status'],
    ['alert_query', 'alert_query'],
    ['hostname', 'hostname'],
    ['alert_cycle_key', 'cycle_key'],
    ['event_type', 'event_type'],
    ['link', 'event_link'],
  ] as const) {
    const v = get(key);
    if (v !== undefined) annotations[name] = v;
  }
  const eventId = get('event_id') ?? get('id');
  const orgId = get('org_id') ?? text(org, 'id', '/org/id', issues);
  const orgName = text(org, 'name', '/org/name', issues);
  const date = epoch(get('date')) ?? epoch(get('last_updated'));
  throwIfIssues(issues);

  if (tokens.test || eventTokens.test) {
    return { alerts: [], truncatedAlerts: 0, note: 'Datadog test notification ([TEST] in the title): accepted, no alert opened' };
  }
  if (sentMonitorId !== undefined && !/^\d+$/.test(sentMonitorId)) fail('/alert_id', 'must be a numeric Datadog monitor id');
  const monitorId = sentMonitorId ?? fromBody.id;
  if (monitorId === undefined) {
    fail('/alert_id', 'no monitor id: alert_id is absent and /body has no Datadog /monitors/<id> link; use the recommended payload');
  }
  const transitionName = transition ?? tokens.transition ?? eventTokens.transition;
  const typeStatus = alertType === 'success' ? 'resolved' : alertType === 'error' || alertType === 'warning' ? 'firing' : undefined;
  const status = (transitionName === undefined ? undefined : transitionStatus(transitionName)) ?? typeStatus;
  if (status === undefined) {
    fail(
      '/alert_transition',
      `cannot tell firing from recovered (transition ${JSON.stringify(transitionName ?? null)}, alert_type ${JSON.stringify(alertType ?? null)})`,
    );
  }

  // A body link to some other monitor (pasted in the message) says nothing about this one.
  const link = fromBody.id === monitorId ? fromBody : {};
  // The group: $ALERT_SCOPE, else the Monitor Status link's group=, else the title's "on {…}".
  const scope = normalizeScope(scopeText ?? link.group ?? tokens.scope ?? eventTokens.scope);
  const { labels: tagLabels, dropped } = tagsToLabels([...(tagsText ?? '').split(','), ...scope.split(',')]);
  const labels: Record<string, string> = { ...tagLabels, monitor_id: monitorId };
  if (transitionName) labels['transition'] = transitionName;
  const priorityLabel = priority?.toUpperCase() ?? tokens.priority ?? eventTokens.priority;
  if (priorityLabel) labels['priority'] = priorityLabel;

  if (message !== undefined) annotations['message'] = message;
  if (eventId !== undefined) annotations['event_id'] = eventId;
  if (orgId !== undefined) annotations['org_id'] = orgId;
  if (orgName !== undefined) annotations['org_name'] = orgName;
  if (dropped > 0) annotations['dropped_tags'] = String(dropped);

  const title = tokens.rest || eventTokens.rest || `Datadog monitor ${monitorId}`;
  const alert: NormalizedAlert = {
    identity: `monitor:${monitorId}|scope:${scope}`,
    groupKey: `monitor:${monitorId}`,
    status,
    title: clip(title),
    labels,
    annotations,
    startsAt: status === 'firing' ? date : null,
    endsAt: status === 'resolved' ? (date ?? ctx.receivedAt) : null,
    severity: severityOf(priority, tokens.priority ?? eventTokens.priority, alertType),
  };
  const service = labels['service'];
  if (service) alert.service = service;
  const url = link.link ?? annotations['event_link'];
  if (url) alert.url = url;
  return { alerts: [alert], truncatedAlerts: 0 };
};
