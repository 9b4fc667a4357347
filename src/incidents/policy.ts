/**
 * The response policy an incident is measured against: acknowledgement targets per
 * severity (the seeds: SEV1 5 min, SEV2 15 min, SEV3 1 h, SEV4 4 h), how long before
 * an incident a deploy counts as a rollback candidate, and how far back triage looks
 * for changes. Built once from the configuration; pure.
 */
import type { Config } from '../config.js';
import { SEVERITIES, type Severity } from '../vocabulary.js';

export interface IncidentPolicy {
  ackTargetSeconds: Record<Severity, number>;
  deployHintMinutes: number;
  changeLookbackHours: number;
  /** How far back "earlier incidents like this one" look. */
  similarDays: number;
  /** How often a status update is due per severity (the seeds: 15 min, 30 min, 2 h, daily). */
  updateCadenceSeconds: Record<Severity, number>;
}

export const DEFAULT_POLICY: IncidentPolicy = {
  ackTargetSeconds: { SEV1: 5 * 60, SEV2: 15 * 60, SEV3: 60 * 60, SEV4: 4 * 60 * 60 },
  deployHintMinutes: 30,
  changeLookbackHours: 6,
  similarDays: 30,
  updateCadenceSeconds: { SEV1: 15 * 60, SEV2: 30 * 60, SEV3: 2 * 60 * 60, SEV4: 24 * 60 * 60 },
};

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** `SEV1=5m,SEV2=15m` → seconds per severity; severities left out keep `base` (acknowledgement targets, update cadence). */
export function parseAckTargets(spec: string, base = DEFAULT_POLICY.ackTargetSeconds): Record<Severity, number> {
  const out = { ...base };
  for (const part of spec.split(',')) {
    const m = /^(SEV[1-4])=(\d+)([smh])$/.exec(part.trim());
    if (m && (SEVERITIES as readonly string[]).includes(m[1]!)) out[m[1] as Severity] = Number(m[2]) * UNIT[m[3]!]!;
  }
  return out;
}

/** When the incident should have been acknowledged by. */
export function ackDeadline(openedAt: Date, severity: Severity, policy: IncidentPolicy): Date {
  return new Date(openedAt.getTime() + policy.ackTargetSeconds[severity] * 1000);
}

/** Met, missed, or not yet known (unacknowledged and still inside the target). */
export function ackMet(openedAt: Date, acknowledgedAt: Date | null, severity: Severity, policy: IncidentPolicy, now: Date): boolean | null {
  const deadline = ackDeadline(openedAt, severity, policy).getTime();
  if (acknowledgedAt) return acknowledgedAt.getTime() <= deadline;
  return now.getTime() > deadline ? false : null;
}

/** The settings the policy is built from (each optional: unset keeps the seeds' defaults). */
export type PolicyConfig = Partial<
  Pick<Config, 'KLAXON_ACK_TARGETS' | 'KLAXON_UPDATE_CADENCE' | 'KLAXON_DEPLOY_HINT_MINUTES' | 'KLAXON_CHANGE_LOOKBACK_HOURS'>
>;

/** The policy the configuration gives: the API's, and the job runner's reminders. */
export function incidentPolicyFrom(config: PolicyConfig): IncidentPolicy {
  return {
    ...DEFAULT_POLICY,
    ackTargetSeconds: parseAckTargets(config.KLAXON_ACK_TARGETS ?? ''),
    deployHintMinutes: config.KLAXON_DEPLOY_HINT_MINUTES ?? DEFAULT_POLICY.deployHintMinutes,
    changeLookbackHours: config.KLAXON_CHANGE_LOOKBACK_HOURS ?? DEFAULT_POLICY.changeLookbackHours,
    updateCadenceSeconds: parseAckTargets(config.KLAXON_UPDATE_CADENCE ?? '', DEFAULT_POLICY.updateCadenceSeconds),
  };
}
