/**
 * The contract between source adapters and the incident engine.
 *
 * An adapter is a pure function: it decodes one webhook body from one kind of
 * sender into normalized alerts. No database, no clock reads (the receive time
 * is passed in), no I/O — so each adapter is tested on recorded payloads.
 */

import type { HealthFormat } from '../db/schema.js';

export { SEVERITIES, type Severity } from '../vocabulary.js';

import type { Severity } from '../vocabulary.js';

export type AlertStatus = 'firing' | 'resolved';

/** A severity and the human-readable reason it was chosen ("alertmanager label severity=critical"). */
export interface SeverityDecision {
  severity: Severity;
  reason: string;
}

export interface NormalizedAlert {
  /** Stable identity of this alert within its integration (see each adapter's doc for the format). */
  identity: string;
  /** The source's natural group key: alerts with the same key share one open incident. */
  groupKey: string;
  status: AlertStatus;
  /** One-line human summary, used as the incident title when this alert opens one. */
  title: string;
  /** Flat string labels/tags: matched by severity rules, silences and grouping labels. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** When the source says the alert started; null when it does not say. */
  startsAt: Date | null;
  /** When the source says it ended; null means "not ended" (Alertmanager's zero time included). */
  endsAt: Date | null;
  /** The source's default severity mapping (per-integration rules may override later). */
  severity: SeverityDecision;
  /** The affected service when the payload names one. */
  service?: string;
  /** A link back to the source (generatorURL, monitor link, …) when there is one. */
  url?: string;
  /**
   * The sender said only "this alert resolved", naming it (a PagerDuty resolve without a payload):
   * the stored title, labels, annotations, link and severity are kept, not replaced by this alert's.
   */
  detailsOmitted?: boolean;
}

/** What a sender may do to an alert besides firing or resolving it (PagerDuty and Opsgenie). */
export type AlertAction =
  /** Acknowledge the open incident the alert fires in; nothing when it does not fire. */
  | { type: 'acknowledge'; identity: string }
  /** Add a note to the timeline of the alert's incident. */
  | { type: 'note'; identity: string; note: string; user?: string; source?: string }
  /** Replace the alert's title (Opsgenie `message`) or its `description` annotation. */
  | { type: 'update'; identity: string; title?: string; description?: string };

export interface AdapterResult {
  alerts: NormalizedAlert[];
  /** Alerts the sender left out of this delivery (Alertmanager `truncatedAlerts`); 0 otherwise. */
  truncatedAlerts: number;
  /** Set when the body is valid but carries no alert on purpose (e.g. Uptime Kuma's "Test" button). */
  note?: string;
  /** Actions on alerts, applied after `alerts` in the same transaction. */
  actions?: AlertAction[];
}

/** What an adapter receives besides the parsed body. */
export interface AdapterContext {
  /** Time the delivery was received; used where the payload carries no timestamp. */
  receivedAt: Date;
  /** The raw request body as text (for bodies that are not JSON, e.g. some Gatus templates). */
  rawBody: string;
  /** The body format the integration pinned (health senders); `auto` or absent means recognise it by shape. */
  format?: HealthFormat;
  /**
   * A fresh random id drawn by the caller, for senders that expect the receiver to make up a key
   * (a PagerDuty trigger without a dedup_key): the adapter stays a pure function of its inputs.
   */
  newKey?: string;
}

export type Adapter = (body: unknown, ctx: AdapterContext) => AdapterResult;

export interface PayloadIssue {
  /** JSON Pointer into the body, e.g. "/alerts/0/labels". "" for the whole body. */
  path: string;
  message: string;
}

/** Thrown by an adapter when the body cannot be understood; rendered as a 400/422 problem. */
export class PayloadError extends Error {
  readonly issues: PayloadIssue[];
  constructor(issues: PayloadIssue[]) {
    super(issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; '));
    this.name = 'PayloadError';
    this.issues = issues;
  }
}
