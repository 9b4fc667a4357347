/**
 * PagerDuty change events (`POST /v2/change/enqueue`) → a change record. A change (a deploy, a config
 * change) opens no incident; it is kept beside incidents with the integration's service.
 */

import { fail, isRecord, optionalText, parseTimestamp, throwIfIssues } from './limits.js';
import { detailAnnotations, MAX_SUMMARY, readLinks } from './pagerduty.js';
import type { PayloadIssue } from './types.js';

export interface ChangeEvent {
  summary: string;
  source: string | null;
  /** When the change happened: the sender's timestamp, else the receive time. */
  happenedAt: Date;
  customDetails: Record<string, string>;
  links: Array<{ href: string; text?: string }>;
}

/** Decodes a change event. Throws PayloadError (JSON-pointer paths) when it is not one. */
export function adaptPagerDutyChange(body: unknown, receivedAt: Date): ChangeEvent {
  if (!isRecord(body)) fail('', 'must be a JSON object (PagerDuty change event)');
  const issues: PayloadIssue[] = [];
  const payload = body.payload;
  if (!isRecord(payload)) fail('/payload', 'is required (an object with a summary)');
  const summary = optionalText(payload.summary, '/payload/summary', issues, MAX_SUMMARY);
  if (summary === undefined || summary.trim() === '') {
    if (!issues.length) issues.push({ path: '/payload/summary', message: 'is required' });
  }
  const source = optionalText(payload.source, '/payload/source', issues, 1024);
  const timestamp = optionalText(payload.timestamp, '/payload/timestamp', issues, 64);
  let happenedAt = receivedAt;
  if (timestamp) {
    const parsed = parseTimestamp(timestamp);
    if (parsed === null) issues.push({ path: '/payload/timestamp', message: 'must be an ISO 8601 date-time' });
    else happenedAt = parsed;
  }
  throwIfIssues(issues);
  const customDetails: Record<string, string> = {};
  detailAnnotations(payload.custom_details, customDetails, 'custom_details');
  // detailAnnotations prefixes names; a change's details are their own record, so strip it again.
  const details = Object.fromEntries(Object.entries(customDetails).map(([k, v]) => [k.replace(/^custom_details\.?/, '') || 'value', v]));
  return { summary: summary!.trim(), source: source?.trim() || null, happenedAt, customDetails: details, links: readLinks(body.links) };
}
