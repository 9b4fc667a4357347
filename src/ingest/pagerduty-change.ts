/**
 * PagerDuty change events (`POST /v2/change/enqueue`) → a change (the `changes` Klaxon lists beside
 * incidents, with deploy hints). A change opens no incident. PagerDuty's change events name no kind,
 * so each is a `deploy`; `payload.source` (the pipeline or system that made it) is its author, the
 * first http(s) link its link. `custom_details` stay in the delivery's audit copy only.
 */

import { fail, isRecord, optionalText, parseTimestamp, throwIfIssues } from './limits.js';
import { MAX_SUMMARY, readLinks } from './pagerduty.js';
import type { PayloadIssue } from './types.js';

export interface ChangeEvent {
  summary: string;
  source: string | null;
  /** When the change happened: the sender's timestamp, else the receive time. */
  happenedAt: Date;
  link: string | null;
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
  const link = readLinks(body.links).find((l) => /^https?:\/\//.test(l.href) && l.href.length <= 2000)?.href ?? null;
  return { summary: summary!.trim(), source: source?.trim() || null, happenedAt, link };
}
