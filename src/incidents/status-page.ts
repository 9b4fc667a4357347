/**
 * The public status page's content: gather (only the columns and the table that hold what
 * responders published) → build (pure: service states, public incidents, newest first).
 * Never reads notes, alert labels, roles or keys: the query names every column it takes.
 */
import type { Db } from '../db/client.js';
import type { PublicIncident, ServiceState, StatusPage } from '../schemas/communications.js';
import { SERVICE_STATES } from '../schemas/communications.js';
import type { IncidentStatus, Severity } from '../vocabulary.js';

/** The severities the status page always shows (the seeds: "status page for SEV1/SEV2"); others once published. */
export const ALWAYS_PUBLIC: readonly Severity[] = ['SEV1', 'SEV2'];
export const RECENTLY_RESOLVED_DAYS = 7;
/** Services with an incident this recent are listed. */
export const SERVICE_DAYS = 90;

export interface PublicIncidentRow {
  id: string;
  severity: Severity;
  status: IncidentStatus;
  service: string | null;
  public_title: string | null;
  opened_at: Date;
  resolved_at: Date | null;
}
export interface PublicUpdate {
  incident_id: string;
  status: IncidentStatus;
  message: string;
  posted_at: Date;
}

const STATE_OF: Record<Severity, ServiceState> = {
  SEV1: 'major_outage',
  SEV2: 'partial_outage',
  SEV3: 'degraded_performance',
  SEV4: 'degraded_performance',
};
const IMPACT_OF: Record<Severity, PublicIncident['impact']> = { SEV1: 'critical', SEV2: 'major', SEV3: 'minor', SEV4: 'minor' };
const worse = (a: ServiceState, b: ServiceState) => (SERVICE_STATES.indexOf(a) >= SERVICE_STATES.indexOf(b) ? a : b);

/** Pure: the page from the public incidents, their published updates and the known services. */
export function buildStatusPage(input: {
  incidents: PublicIncidentRow[];
  updates: PublicUpdate[];
  services: string[];
  now: Date;
}): StatusPage {
  const byIncident = new Map<string, PublicUpdate[]>();
  for (const u of [...input.updates].sort((a, b) => b.posted_at.getTime() - a.posted_at.getTime())) {
    byIncident.set(u.incident_id, [...(byIncident.get(u.incident_id) ?? []), u]);
  }
  const toPublic = (r: PublicIncidentRow): PublicIncident => ({
    title: r.public_title ?? (r.service ? `Service disruption: ${r.service}` : 'Service disruption'),
    service: r.service,
    impact: IMPACT_OF[r.severity],
    status: r.status,
    startedAt: r.opened_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    updates: (byIncident.get(r.id) ?? []).map((u) => ({ status: u.status, message: u.message, at: u.posted_at.toISOString() })),
  });
  const newest = (a: PublicIncidentRow, b: PublicIncidentRow) => b.opened_at.getTime() - a.opened_at.getTime();
  const open = input.incidents.filter((r) => r.status !== 'resolved').sort(newest);
  const resolved = input.incidents
    .filter((r) => r.status === 'resolved' && r.resolved_at)
    .sort((a, b) => b.resolved_at!.getTime() - a.resolved_at!.getTime());

  const states = new Map<string, ServiceState>(input.services.map((s) => [s, 'operational']));
  let overall: ServiceState = 'operational';
  for (const r of open) {
    overall = worse(overall, STATE_OF[r.severity]);
    if (r.service) states.set(r.service, worse(states.get(r.service) ?? 'operational', STATE_OF[r.severity]));
  }
  return {
    generatedAt: input.now.toISOString(),
    overall,
    services: [...states.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, state]) => ({ name, state })),
    incidents: open.map(toPublic),
    recentlyResolved: resolved.map(toPublic),
  };
}

/** Gathers what the page may show and builds it. */
export async function statusPage(db: Db, now = new Date()): Promise<StatusPage> {
  const resolvedSince = new Date(now.getTime() - RECENTLY_RESOLVED_DAYS * 86_400_000);
  const serviceSince = new Date(now.getTime() - SERVICE_DAYS * 86_400_000);
  const incidents = await db
    .selectFrom('incidents')
    .select(['id', 'severity', 'status', 'service', 'public_title', 'opened_at', 'resolved_at'])
    .where((eb) =>
      eb.and([
        eb.or([eb('severity', 'in', [...ALWAYS_PUBLIC]), eb('public_update_at', 'is not', null)]),
        eb.or([eb('status', '<>', 'resolved'), eb('resolved_at', '>=', resolvedSince)]),
      ]),
    )
    .orderBy('opened_at', 'desc')
    .limit(100)
    .execute();
  const ids = incidents.map((r) => r.id);
  const [updates, services] = await Promise.all([
    ids.length === 0
      ? Promise.resolve([])
      : db.selectFrom('public_updates').select(['incident_id', 'status', 'message', 'posted_at']).where('incident_id', 'in', ids).execute(),
    db
      .selectFrom('incidents')
      .select('service')
      .distinct()
      .where('service', 'is not', null)
      .where('opened_at', '>=', serviceSince)
      .orderBy('service')
      .limit(200)
      .execute(),
  ]);
  return buildStatusPage({ incidents, updates, services: services.map((s) => s.service!), now });
}
