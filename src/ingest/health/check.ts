/**
 * What every health format decodes into: one check's outcome, before it becomes
 * an alert. Each format's decoder (generic, Uptime Kuma, healthchecks.io, Gatus)
 * builds a Check; toResult turns it into the normalized alert.
 */
import { clip, MAX_VALUE_LENGTH, optionalText, parseTimestamp, pointer } from '../limits.js';
import type { AdapterContext, AdapterResult, NormalizedAlert, PayloadIssue } from '../types.js';

/** The body formats an integration may pin; `auto` (in HealthFormat) recognises one of these. */
export type FormatName = 'generic' | 'uptime-kuma' | 'healthchecks' | 'gatus';

export type State = 'down' | 'degraded' | 'up';

/** One check's outcome; a `skip` state means accept the delivery and change nothing. */
export interface Check {
  source: string;
  identity: string;
  name: string;
  state: State | { skip: string };
  labels: Record<string, string>;
  observedAt: Date | null;
  message?: string | undefined;
  target?: string | undefined;
  service?: string | undefined;
  /** Extra annotations (e.g. Gatus's result errors). */
  details?: Record<string, string>;
}

/** What a body says about one format: the signal that marks it as that format, or what it lacks. */
export type Recognition = { signal: string; marker?: boolean } | { missing: string };

/** One health format: how to recognise it among the others, and how to decode it. */
export interface HealthDecoder {
  format: FormatName;
  recognise(body: Record<string, unknown>): Recognition;
  /**
   * Returns a Check, a note when the body carries no check on purpose (a test
   * message), or null once it has recorded in `issues` why it cannot.
   */
  decode(body: Record<string, unknown>, issues: PayloadIssue[]): Check | string | null;
}

export function toResult(c: Check, ctx: AdapterContext): AdapterResult {
  if (typeof c.state !== 'string')
    return { alerts: [], truncatedAlerts: 0, note: `${c.source} ${c.identity}: ${c.state.skip}; no alert change` };
  const state = c.state;
  const annotations: Record<string, string> = { ...c.details };
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

export function time(value: string | undefined, path: string, issues: PayloadIssue[], assumeUtc = false): Date | null {
  if (!value) return null;
  const d = parseTimestamp(value, { assumeUtc });
  if (d === null) issues.push({ path, message: 'must be an RFC 3339 timestamp' });
  return d;
}

/** The first of `keys` the object has with a non-null value: senders' templates name the same field differently. */
export function firstKey(obj: Record<string, unknown>, keys: readonly string[]): string | undefined {
  return keys.find((k) => Object.hasOwn(obj, k) && obj[k] !== null && obj[k] !== undefined);
}

/** The text under the first present key of `keys` (see firstKey), with its path for issues. */
export function textAt(
  obj: Record<string, unknown>,
  keys: readonly string[],
  base: string,
  issues: PayloadIssue[],
  max = MAX_VALUE_LENGTH,
): { key: string; path: string; value: string | undefined } | undefined {
  const key = firstKey(obj, keys);
  if (key === undefined) return undefined;
  const path = pointer(base, key);
  return { key, path, value: optionalText(obj[key], path, issues, max) };
}

/** "a, b or c" for messages that list accepted key names. */
export function orList(keys: readonly string[]): string {
  return keys.length < 2 ? keys.join('') : `${keys.slice(0, -1).join(', ')} or ${keys[keys.length - 1]}`;
}
