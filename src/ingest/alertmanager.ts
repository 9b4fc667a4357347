/**
 * Prometheus Alertmanager webhook (payload version 4) → normalized alerts.
 *
 * identity: the alert's `fingerprint` (16 hex digits, lowercased); senders that
 *   omit it (older Alertmanager) get the same value computed from the labels.
 * groupKey: `<receiver>:<groupKey>`, e.g. `klaxon:{}:{alertname="DiskFull"}`. The
 *   receiver is prefixed because Alertmanager's groupKey is only unique per
 *   receiver. Without a groupKey: `<receiver>:{}:{<sorted groupLabels>}`, which is
 *   what the root route would have produced.
 */
import { isFingerprint, labelsFingerprint } from './fingerprint.js';
import {
  clip,
  fail,
  isRecord,
  isZeroTime,
  MAX_ALERTS_PER_DELIVERY,
  optionalText,
  parseTimestamp,
  pointer,
  readStringMap,
  throwIfIssues,
} from './limits.js';
import type { Adapter, AdapterContext, AlertStatus, NormalizedAlert, PayloadIssue, Severity, SeverityDecision } from './types.js';

const SEVERITY_BY_LABEL: Readonly<Record<string, Severity>> = {
  page: 'SEV1',
  sev1: 'SEV1',
  p1: 'SEV1',
  emergency: 'SEV1',
  critical: 'SEV2',
  sev2: 'SEV2',
  p2: 'SEV2',
  error: 'SEV2',
  high: 'SEV2',
  warning: 'SEV3',
  warn: 'SEV3',
  sev3: 'SEV3',
  p3: 'SEV3',
  medium: 'SEV3',
  info: 'SEV4',
  sev4: 'SEV4',
  p4: 'SEV4',
  p5: 'SEV4',
  low: 'SEV4',
  none: 'SEV4',
};

/** Default severity from the `severity` label, case-insensitive; absent or unknown → SEV3. */
export function alertmanagerSeverity(labels: Readonly<Record<string, string>>): SeverityDecision {
  const raw = labels['severity'];
  if (raw === undefined) return { severity: 'SEV3', reason: 'alertmanager: no severity label → SEV3 (default)' };
  const quoted = JSON.stringify(raw);
  const key = raw.trim().toLowerCase();
  // hasOwn: a label value like "constructor" must not hit Object.prototype.
  const severity = Object.hasOwn(SEVERITY_BY_LABEL, key) ? SEVERITY_BY_LABEL[key] : undefined;
  if (severity === undefined) {
    return { severity: 'SEV3', reason: `alertmanager label severity=${quoted} not recognised → SEV3 (default)` };
  }
  return { severity, reason: `alertmanager label severity=${quoted} → ${severity}` };
}

/** Renders a label set like Alertmanager's group key half: `{a="x", b="y"}`. */
function renderLabelSet(labels: Readonly<Record<string, string>>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `{${parts.join(', ')}}`;
}

function firstLine(text: string | undefined): string | undefined {
  return text
    ?.split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
}

/** Title: summary, else the first line of description, else alertname. */
function titleOf(labels: Record<string, string>, annotations: Record<string, string>): string {
  const title =
    annotations['summary']?.trim() || firstLine(annotations['description']) || labels['alertname']?.trim() || 'Alertmanager alert';
  return clip(title.replace(/\s+/g, ' '));
}

function readTime(value: unknown, path: string, issues: PayloadIssue[]): Date | null {
  const text = optionalText(value, path, issues, 64);
  // Every firing alert's endsAt: Go's zero time, as Alertmanager writes it.
  if (text === undefined || text === '' || text === '0001-01-01T00:00:00Z') return null;
  const date = parseTimestamp(text);
  if (date === null) {
    issues.push({ path, message: 'must be an RFC 3339 timestamp' });
    return null;
  }
  return isZeroTime(date) ? null : date;
}

function decodeAlert(
  raw: unknown,
  path: string,
  groupKey: string,
  ctx: AdapterContext,
  issues: PayloadIssue[],
): NormalizedAlert | undefined {
  if (!isRecord(raw)) {
    issues.push({ path, message: 'must be an object' });
    return undefined;
  }
  if (raw['labels'] === undefined) {
    issues.push({ path: pointer(path, 'labels'), message: 'is required' });
    return undefined;
  }
  const labels = readStringMap(raw['labels'], pointer(path, 'labels'), issues);
  const annotations = raw['annotations'] == null ? {} : readStringMap(raw['annotations'], pointer(path, 'annotations'), issues);
  const startsAt = readTime(raw['startsAt'], pointer(path, 'startsAt'), issues);
  let endsAt = readTime(raw['endsAt'], pointer(path, 'endsAt'), issues);
  const sentStatus = optionalText(raw['status'], pointer(path, 'status'), issues, 64);

  // Alertmanager always says; the fallback serves hand-rolled or proxied senders.
  let status: AlertStatus;
  if (sentStatus === 'firing' || sentStatus === 'resolved') status = sentStatus;
  else status = endsAt !== null && endsAt.getTime() <= ctx.receivedAt.getTime() ? 'resolved' : 'firing';
  if (status === 'resolved' && endsAt === null) endsAt = ctx.receivedAt;

  const alert: NormalizedAlert = {
    identity: isFingerprint(raw['fingerprint']) ? raw['fingerprint'].toLowerCase() : labelsFingerprint(labels),
    groupKey,
    status,
    title: titleOf(labels, annotations),
    labels,
    annotations,
    startsAt,
    endsAt,
    severity: alertmanagerSeverity(labels),
  };
  // Only `service`, not `job`: job names the scrape config, which is rarely the
  // service that owns the incident; a severity/routing rule can map job later.
  const service = labels['service']?.trim();
  if (service) alert.service = service;
  // A link is a convenience: drop one that breaks the limits instead of the alert.
  const url = optionalText(raw['generatorURL'], pointer(path, 'generatorURL'), []);
  if (url) alert.url = url;
  return alert;
}

function readGroupKey(body: Record<string, unknown>, receiver: string, issues: PayloadIssue[]): string {
  const sent = optionalText(body['groupKey'], '/groupKey', issues);
  if (sent) return `${receiver}:${sent}`;
  const groupLabels = body['groupLabels'] == null ? {} : readStringMap(body['groupLabels'], '/groupLabels', issues);
  return `${receiver}:{}:${renderLabelSet(groupLabels)}`;
}

const MAX_TRUNCATED = 2_147_483_647;

function readTruncated(value: unknown, issues: PayloadIssue[]): number {
  if (value === undefined || value === null) return 0;
  // The count is stored as a PostgreSQL integer; no real group comes near its limit.
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_TRUNCATED) {
    issues.push({ path: '/truncatedAlerts', message: `must be an integer from 0 to ${MAX_TRUNCATED}` });
    return 0;
  }
  return value;
}

/**
 * Decodes an Alertmanager webhook body. Unknown fields are ignored; a label named
 * `status` or `fingerprint` is just a label. Throws PayloadError (JSON-pointer
 * paths) when the body is not an object with an `alerts` array of label sets.
 */
export const adaptAlertmanager: Adapter = (body, ctx) => {
  if (!isRecord(body)) fail('', 'must be a JSON object (Alertmanager webhook payload)');
  const rawAlerts = body['alerts'];
  if (!Array.isArray(rawAlerts)) fail('/alerts', 'must be an array');
  if (rawAlerts.length > MAX_ALERTS_PER_DELIVERY) {
    fail('/alerts', `must hold at most ${MAX_ALERTS_PER_DELIVERY} alerts (got ${rawAlerts.length}); set max_alerts`);
  }
  const issues: PayloadIssue[] = [];
  const receiver = optionalText(body['receiver'], '/receiver', issues) ?? '';
  const groupKey = readGroupKey(body, receiver, issues);
  const truncatedAlerts = readTruncated(body['truncatedAlerts'], issues);
  const alerts: NormalizedAlert[] = [];
  rawAlerts.forEach((raw, i) => {
    const alert = decodeAlert(raw, pointer('/alerts', i), groupKey, ctx, issues);
    if (alert) alerts.push(alert);
  });
  throwIfIssues(issues);
  return { alerts, truncatedAlerts };
};
