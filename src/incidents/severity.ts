import type { SeverityRuleRow } from '../db/schema.js';
import type { NormalizedAlert, Severity, SeverityDecision } from '../ingest/types.js';
import { SEVERITIES } from '../vocabulary.js';
import { type CompiledMatcher, compileMatchers } from './matchers.js';

const ORDER: readonly Severity[] = SEVERITIES;

/** True when `a` is more severe than `b` (SEV1 is the most severe). */
export function moreSevere(a: Severity, b: Severity): boolean {
  return ORDER.indexOf(a) < ORDER.indexOf(b);
}

/** One level more severe, SEV1 staying SEV1. */
export function promote(s: Severity): Severity {
  return ORDER[Math.max(0, ORDER.indexOf(s) - 1)]!;
}

export interface CompiledRule {
  test: CompiledMatcher;
  severity: Severity;
  label: string;
}

/**
 * Compiles an integration's rules in order. A stored rule whose regex no longer
 * compiles (one saved before matching moved to RE2, say `\u00e9`) is skipped
 * rather than failing every delivery: its alerts get the adapter's severity.
 */
export function compileRules(rules: readonly SeverityRuleRow[]): CompiledRule[] {
  return rules.flatMap((rule, i) => {
    let test: CompiledMatcher;
    try {
      test = compileMatchers(rule.matchers);
    } catch {
      return [];
    }
    return [{ test, severity: rule.severity, label: rule.name ? `rule "${rule.name}"` : `rule #${i + 1}` }];
  });
}

/** Per-integration rules first (first match wins), else the adapter's default mapping. */
export function alertSeverity(alert: NormalizedAlert, rules: readonly CompiledRule[]): SeverityDecision {
  const rule = rules.find((r) => r.test(alert.labels));
  if (rule) return { severity: rule.severity, reason: `${rule.label} matched → ${rule.severity}` };
  return alert.severity;
}

export interface IncidentSeverityInput {
  current: SeverityDecision;
  overridden: boolean;
  /** The most severe of the incident's alerts, with its reason. */
  highestAlert: SeverityDecision;
  distinctAlerts: number;
  promoteAfterAlerts: number | null;
}

/**
 * An incident's severity: the highest of its alerts, promoted one level when it
 * spans at least `promoteAfterAlerts` distinct alerts; never lowered automatically,
 * and a manual override always wins.
 */
export function incidentSeverity(input: IncidentSeverityInput): SeverityDecision {
  if (input.overridden) return input.current;
  let candidate = input.highestAlert;
  const threshold = input.promoteAfterAlerts;
  if (threshold !== null && input.distinctAlerts >= threshold && candidate.severity !== 'SEV1') {
    const promoted = promote(candidate.severity);
    candidate = {
      severity: promoted,
      reason: `promoted ${candidate.severity} → ${promoted}: spans ${input.distinctAlerts} alerts (threshold ${threshold}); ${candidate.reason}`,
    };
  }
  return moreSevere(candidate.severity, input.current.severity) ? candidate : input.current;
}
