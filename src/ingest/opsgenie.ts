/**
 * Opsgenie Alert API (`/v2/alerts`) → normalized alerts and alert actions.
 *
 * identity: the alert's `alias` (≤ 512 characters), Opsgenie's dedup key; a create without one gets
 *   the caller's fresh `ctx.newKey`, as Opsgenie assigns one. A create repeating an open alias is a
 *   duplicate (Opsgenie counts it; so does Klaxon).
 * groupKey: `opsgenie:<alias>` — one incident per alias.
 * labels: `details` (Alertmanager sends the group's common labels there; non-string values become
 *   JSON text), `tags` (`k:v` → k=v, a bare tag → tag=""), `entity`, `source`, `priority`.
 * Severity from `priority`: P1 → SEV1, P2 → SEV2, P3 → SEV3, P4 and P5 → SEV4; absent → P3, as
 * Opsgenie defaults.
 * `responders`, `visibleTo`, `actions`, `user` and `note` are kept as annotations (JSON text).
 */

import {
  clip,
  fail,
  isRecord,
  MAX_KEY_LENGTH,
  MAX_LABELS_PER_ALERT,
  optionalText,
  pairsToLabels,
  storable,
  tagsToLabels,
  throwIfIssues,
} from './limits.js';
import { annotationText } from './pagerduty.js';
import type { AdapterContext, AdapterResult, NormalizedAlert, PayloadIssue, Severity, SeverityDecision } from './types.js';

export const MAX_ALIAS = 512;
export const MAX_MESSAGE = 130;
const PRIORITIES: Readonly<Record<string, Severity>> = { P1: 'SEV1', P2: 'SEV2', P3: 'SEV3', P4: 'SEV4', P5: 'SEV4' };

/** Opsgenie priority → Klaxon severity; undefined for anything but P1–P5. */
export function opsgenieSeverity(priority: string | undefined): SeverityDecision | undefined {
  if (priority === undefined) return { severity: 'SEV3', reason: 'opsgenie: no priority → P3 (default) → SEV3' };
  const key = priority.trim().toUpperCase();
  const severity = Object.hasOwn(PRIORITIES, key) ? PRIORITIES[key] : undefined;
  return severity && { severity, reason: `opsgenie priority ${JSON.stringify(priority)} → ${severity}` };
}

/** A details map as labels: values coerced to text (healthchecks.io sends integers), limits applied by dropping. */
function detailLabels(value: unknown, path: string, issues: PayloadIssue[]): Array<[string, string]> {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) {
    issues.push({ path, message: 'must be an object' });
    return [];
  }
  const pairs: Array<[string, string]> = [];
  for (const [name, v] of Object.entries(value)) {
    const text = annotationText(v);
    if (text !== undefined && name.length <= MAX_KEY_LENGTH) pairs.push([storable(name), text]);
  }
  return pairs;
}

function stringList(value: unknown, path: string, issues: PayloadIssue[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.push({ path, message: 'must be an array of strings' });
    return [];
  }
  return value.filter((v): v is string => typeof v === 'string').slice(0, MAX_LABELS_PER_ALERT);
}

/** Decodes `POST /v2/alerts` (create alert). */
export function adaptOpsgenieCreate(body: unknown, ctx: AdapterContext): AdapterResult {
  if (!isRecord(body)) fail('', 'must be a JSON object (Opsgenie create-alert request)');
  const issues: PayloadIssue[] = [];
  const message = optionalText(body.message, '/message', issues, 16384);
  if (message === undefined || message.trim() === '') {
    if (!issues.length) issues.push({ path: '/message', message: 'is required' });
  }
  const alias = optionalText(body.alias, '/alias', issues, MAX_ALIAS);
  const description = optionalText(body.description, '/description', issues, 16384);
  const entity = optionalText(body.entity, '/entity', issues, 512);
  const source = optionalText(body.source, '/source', issues, 512);
  const priority = optionalText(body.priority, '/priority', issues, 16);
  const severity = opsgenieSeverity(priority);
  if (!severity) issues.push({ path: '/priority', message: 'must be one of P1, P2, P3, P4, P5' });
  const tags = stringList(body.tags, '/tags', issues);
  const details = detailLabels(body.details, '/details', issues);
  throwIfIssues(issues);

  const identity = alias?.trim() ? alias : ctx.newKey;
  if (identity === undefined) fail('/alias', 'is required: no alias could be generated');
  const pairs: Array<[string, string]> = [...details, ...Object.entries(tagsToLabels(tags).labels)];
  if (entity) pairs.push(['entity', entity]);
  if (source) pairs.push(['source', source]);
  if (priority) pairs.push(['priority', priority.trim().toUpperCase()]);
  const annotations: Record<string, string> = { message: message! };
  if (description) annotations.description = description;
  if (tags.length) annotations.tags = JSON.stringify(tags.map(storable));
  for (const field of ['responders', 'visibleTo', 'actions', 'user', 'note']) {
    const text = annotationText(body[field]);
    if (text !== undefined) annotations[field] = text;
  }
  const alert: NormalizedAlert = {
    identity,
    groupKey: `opsgenie:${identity}`,
    status: 'firing',
    title: clip(message!.replace(/\s+/g, ' ').trim(), MAX_MESSAGE * 4),
    labels: pairsToLabels(pairs).labels,
    annotations,
    startsAt: null,
    endsAt: null,
    severity: severity!,
  };
  return { alerts: [alert], truncatedAlerts: 0 };
}

export type OpsgenieAction = 'close' | 'acknowledge' | 'unacknowledge' | 'notes';

/**
 * Decodes an action on an alert (`POST /v2/alerts/{identifier}/{action}`). `identity` is the alert's
 * alias, or undefined when the identifier names no alert Klaxon knows: accepted, nothing changes.
 * The optional body is `{user?, source?, note?}`; `notes` requires `note`.
 */
export function adaptOpsgenieAction(
  action: OpsgenieAction,
  identity: string | undefined,
  body: unknown,
  ctx: AdapterContext,
): AdapterResult {
  const fields = body === undefined || body === null ? {} : body;
  if (!isRecord(fields)) fail('', 'must be a JSON object ({user, source, note}) or empty');
  const issues: PayloadIssue[] = [];
  const user = optionalText(fields.user, '/user', issues, 512);
  const source = optionalText(fields.source, '/source', issues, 512);
  const note = optionalText(fields.note, '/note', issues, 25000);
  if (action === 'notes' && !note?.trim() && !issues.length) issues.push({ path: '/note', message: 'is required' });
  throwIfIssues(issues);
  const none: AdapterResult = { alerts: [], truncatedAlerts: 0 };
  if (identity === undefined) return { ...none, note: 'Alert does not exist' };
  switch (action) {
    case 'close':
      return {
        ...none,
        alerts: [
          {
            identity,
            groupKey: `opsgenie:${identity}`,
            status: 'resolved',
            title: `Opsgenie alert ${identity}`,
            labels: {},
            annotations: {},
            startsAt: null,
            endsAt: ctx.receivedAt,
            severity: { severity: 'SEV3', reason: 'opsgenie close (no priority)' },
            detailsOmitted: true,
          },
        ],
      };
    case 'acknowledge':
      return { ...none, actions: [{ type: 'acknowledge', identity }] };
    case 'notes':
      return { ...none, actions: [{ type: 'note', identity, note: note!, ...(user ? { user } : {}), ...(source ? { source } : {}) }] };
    default:
      return { ...none, note: 'unacknowledge is accepted but not supported: nothing changed' };
  }
}

/** Decodes `PUT /v2/alerts/{identifier}/message` (`{message}`) or `/description` (`{description}`). */
export function adaptOpsgenieUpdate(field: 'message' | 'description', identity: string | undefined, body: unknown): AdapterResult {
  if (!isRecord(body)) fail('', `must be a JSON object with ${field}`);
  const issues: PayloadIssue[] = [];
  const value = optionalText(body[field], `/${field}`, issues, 16384);
  if (!value?.trim() && !issues.length) issues.push({ path: `/${field}`, message: 'is required' });
  throwIfIssues(issues);
  if (identity === undefined) return { alerts: [], truncatedAlerts: 0, note: 'Alert does not exist' };
  const update = field === 'message' ? { title: clip(value!.replace(/\s+/g, ' ').trim(), MAX_MESSAGE * 4) } : { description: value! };
  return { alerts: [], truncatedAlerts: 0, actions: [{ type: 'update', identity, ...update }] };
}
