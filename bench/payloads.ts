/**
 * Alertmanager webhook bodies for the benchmark, in the same shape as the
 * flow test's `amBody`/`amAlert` (test/webhooks/alertmanager-flow.test.ts):
 * payload version 4, no `fingerprint` field, so Klaxon derives each alert's
 * identity from its labels.
 */

const ZERO = '0001-01-01T00:00:00Z';
const STARTS_AT = '2026-11-22T10:00:00Z';

export interface AmAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

export function amAlert(name: string, extra: Record<string, string> = {}): AmAlert {
  return {
    status: 'firing',
    labels: { alertname: name, severity: 'warning', instance: 'db-1', ...extra },
    annotations: { summary: `${name} on db-1` },
    startsAt: STARTS_AT,
    endsAt: ZERO,
    generatorURL: 'http://prometheus/graph',
  };
}

export function amBody(groupKey: string, groupLabels: Record<string, string>, alerts: AmAlert[]) {
  return {
    version: '4',
    receiver: 'klaxon',
    status: 'firing',
    groupKey,
    groupLabels,
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://am',
    truncatedAlerts: 0,
    alerts,
  };
}

/** The receiver prefix Klaxon adds to Alertmanager's groupKey (see src/ingest/alertmanager.ts). */
export const klaxonGroupKey = (groupKey: string) => `klaxon:${groupKey}`;

/** The `repeat` workload: one group of two firing alerts, always the same bytes. */
export const REPEAT_GROUP_KEY = '{}:{job="db"}';
export function repeatBody(): string {
  return JSON.stringify(amBody(REPEAT_GROUP_KEY, { job: 'db' }, [amAlert('HighLatency', { severity: 'critical' }), amAlert('DiskFull')]));
}

/**
 * The `distinct` workload: request `n` of run `tag` is a new group (its own
 * groupKey and alertnames), so each delivery opens one incident with two alerts.
 */
export function distinctBody(tag: string, n: number): string {
  const group = `${tag}-${n}`;
  return JSON.stringify(
    amBody(`{}:{group="${group}"}`, { group }, [amAlert(`Latency-${group}`, { group }), amAlert(`Errors-${group}`, { group })]),
  );
}

/** The bare-route ceilings' body: the same bytes as `repeat`, so parsing and transfer match. */
export const SAMPLE_BODY = repeatBody();
