/**
 * Triage context (the seeds' minutes 2–3: "what changed recently?", "is this a known
 * issue?"): the changes to an incident's service before it opened, a rollback hint
 * when a deploy landed shortly before, and earlier incidents of its group or service.
 */
import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { ChangeRow, IncidentRow } from '../db/schema.js';
import type { Change, IncidentDetail } from '../schemas/incidents.js';
import type { IncidentPolicy } from './policy.js';

export function rowToChange(row: ChangeRow): Change {
  return {
    id: row.id,
    kind: row.kind,
    service: row.service,
    summary: row.summary,
    link: row.link,
    author: row.author,
    at: row.at.toISOString(),
    recordedBy: row.recorded_by,
  };
}

/** Deploys within `deployHintMinutes` before the incident opened: rollback candidates (pure). */
export function deployHints(
  changes: Pick<ChangeRow, 'kind' | 'service' | 'summary' | 'at'>[],
  openedAt: Date,
  policy: IncidentPolicy,
): string[] {
  const windowMs = policy.deployHintMinutes * 60_000;
  return changes
    .filter((c) => c.kind === 'deploy' && c.at <= openedAt && openedAt.getTime() - c.at.getTime() <= windowMs)
    .map((c) => {
      const minutes = Math.floor((openedAt.getTime() - c.at.getTime()) / 60_000);
      const when = minutes === 0 ? 'less than a minute' : `${minutes} min`;
      return `deploy "${c.summary}" to ${c.service} ${when} before this incident opened: consider a rollback`;
    });
}

export async function triageFor(db: Db, row: IncidentRow, policy: IncidentPolicy): Promise<IncidentDetail['triage']> {
  const since = new Date(row.opened_at.getTime() - policy.changeLookbackHours * 3_600_000);
  const changes =
    row.service === null
      ? []
      : await db
          .selectFrom('changes')
          .selectAll()
          .where('service', '=', row.service)
          .where('at', '>=', since)
          .where('at', '<=', row.opened_at)
          .orderBy('at', 'desc')
          .orderBy('id', 'desc')
          .limit(20)
          .execute();
  const similar = await similarIncidents(db, row, policy);
  return { recentChanges: changes.map(rowToChange), hints: deployHints(changes, row.opened_at, policy), similarIncidents: similar };
}

/** Earlier incidents of the same group (same integration) or the same service in the last `similarDays`, newest first. */
async function similarIncidents(db: Db, row: IncidentRow, policy: IncidentPolicy) {
  const since = new Date(row.opened_at.getTime() - policy.similarDays * 86_400_000);
  const { rows } = await sql<{
    id: string;
    number: string;
    title: string;
    severity: IncidentRow['severity'];
    status: IncidentRow['status'];
    opened_at: Date;
    resolved_at: Date | null;
    same_group: boolean;
    resolution: string | null;
  }>`
    select i.id, i.number, i.title, i.severity, i.status, i.opened_at, i.resolved_at,
      (i.integration_id is not distinct from ${row.integration_id} and i.group_key = ${row.group_key}) as same_group,
      (select coalesce(nullif(e.data ->> 'message', ''), e.message) || coalesce(' (' || e.actor_name || ')', '')
         from incident_events e where e.incident_id = i.id and e.kind = 'resolved' order by e.id desc limit 1) as resolution
    from incidents i
    where i.id <> ${row.id} and i.opened_at < ${row.opened_at} and i.opened_at >= ${since}
      and ((i.integration_id = ${row.integration_id} and i.group_key = ${row.group_key}) or i.service = ${row.service})
    order by i.opened_at desc, i.id desc
    limit 10`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    number: Number(r.number),
    title: r.title,
    severity: r.severity,
    status: r.status,
    openedAt: r.opened_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    sameGroup: r.same_group,
    resolution: r.resolution,
  }));
}
