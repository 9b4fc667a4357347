import type { StepRow } from '../db/schema.js';
import type { Severity } from '../vocabulary.js';

/** An escalation policy as the planner and the engine see it. */
export interface Policy {
  id: string;
  name: string;
  /** An empty list matches anything. */
  match: { severities: Severity[]; services: string[]; integrations: string[] };
  steps: StepRow[];
  /** How many more times the whole policy runs after its last step, unless acknowledged. */
  repeat: number;
  /** Wait after the last step before a repeat starts again at step 0. */
  repeatDelaySeconds: number;
  createdAt: Date;
}

/** What chooses a policy: the incident's severity, service and the integration it came through. */
export interface IncidentFacts {
  severity: Severity;
  service: string | null;
  integrationId: string | null;
}

export function policyMatches(p: Policy, i: IncidentFacts): boolean {
  const { severities, services, integrations } = p.match;
  return (
    (severities.length === 0 || severities.includes(i.severity)) &&
    (services.length === 0 || (i.service !== null && services.includes(i.service))) &&
    (integrations.length === 0 || (i.integrationId !== null && integrations.includes(i.integrationId)))
  );
}

/**
 * How specific a policy is, compared left to right: naming integrations beats naming services,
 * which beats naming severities; then the shorter lists (the narrower match) win.
 */
function specificity(p: Policy): number[] {
  const { severities, services, integrations } = p.match;
  const named = (l: unknown[]) => (l.length > 0 ? 1 : 0);
  return [named(integrations), named(services), named(severities), -integrations.length, -services.length, -severities.length];
}

function compareSpecificity(a: Policy, b: Policy): number {
  const sa = specificity(a);
  const sb = specificity(b);
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sb[i]! - sa[i]!;
  // Equally specific: the older policy wins, so adding a policy never silently takes over from one in use.
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The policy for an incident: among those that match, the most specific (see specificity);
 * undefined when none matches (nobody is paged; the timeline says so).
 */
export function choosePolicy(policies: Policy[], incident: IncidentFacts): Policy | undefined {
  return policies.filter((p) => policyMatches(p, incident)).sort(compareSpecificity)[0];
}
