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

/**
 * The `repeat-50` workload: `LIVE_GROUPS` live groups of two firing alerts each, sent round-robin
 * (many incidents open at once, each delivery a repeat of one of them). Group `i`'s bytes never change.
 */
export const LIVE_GROUPS = 50;
export function liveGroupBody(i: number): string {
  const service = `svc-${i}`;
  return JSON.stringify(
    amBody(`{}:{service="${service}"}`, { service }, [
      amAlert('HighLatency', { service, instance: `${service}-1` }),
      amAlert('ErrorRate', { service, instance: `${service}-1` }),
    ]),
  );
}

/**
 * The `alerts-100` workload: `BIG_GROUPS` groups of `BIG_GROUP_ALERTS` firing alerts each (Alertmanager
 * re-sending a big group every group_interval), sent round-robin. Group `i`'s bytes never change.
 */
export const BIG_GROUPS = 10;
export const BIG_GROUP_ALERTS = 100;
export function bigGroupBody(i: number): string {
  const cluster = `cluster-${i}`;
  const alerts = Array.from({ length: BIG_GROUP_ALERTS }, (_, n) =>
    amAlert('NodeDown', { cluster, instance: `${cluster}-node-${String(n).padStart(3, '0')}` }),
  );
  return JSON.stringify(amBody(`{}:{alertname="NodeDown",cluster="${cluster}"}`, { alertname: 'NodeDown', cluster }, alerts));
}

/** The bare-route ceilings' body: the same bytes as `repeat`, so parsing and transfer match. */
export const SAMPLE_BODY = repeatBody();
