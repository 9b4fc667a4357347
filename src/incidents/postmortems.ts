/**
 * Blameless post-mortems (the seeds' template) and their action items. Pure parts — the
 * draft pre-filled from the incident, the Markdown, when one is due — are unit-tested
 * without a database; the writes gather FOR UPDATE, check If-Match and apply in one
 * transaction, like the lifecycle (docs/communications.md).
 */
import { sql } from 'kysely';
import { type Db, inTransaction } from '../db/client.js';
import type { ActionItemRow, IncidentEventRow, IncidentRow, PostmortemContent, PostmortemRow } from '../db/schema.js';
import { Errors } from '../errors.js';
import type { ActionItemPriority, ActionItemStatus, Severity } from '../vocabulary.js';
import { type Actor, actorLabel } from './actors.js';
import { formatDuration, formatUtc } from './communications.js';
import { addEvent } from './events.js';
import type { Trx } from './incident-store.js';
import { findIncident } from './queries.js';

export const POSTMORTEM_DUE_HOURS = 48;

/** SEV1/SEV2: a post-mortem within 48 hours of resolution; SEV3: a lightweight review; SEV4: none. */
export function postmortemRequirement(severity: Severity): 'postmortem' | 'review' | 'none' {
  return severity === 'SEV1' || severity === 'SEV2' ? 'postmortem' : severity === 'SEV3' ? 'review' : 'none';
}

export function postmortemDueAt(severity: Severity, resolvedAt: Date | null): Date | null {
  if (postmortemRequirement(severity) !== 'postmortem' || !resolvedAt) return null;
  return new Date(resolvedAt.getTime() + POSTMORTEM_DUE_HOURS * 3600_000);
}

/**
 * Where a resolved incident stands for the due list: `overdue` (SEV1/SEV2 past 48 h without a
 * published post-mortem), `due` (inside the 48 h), `review` (SEV3), or null (nothing needed).
 * At exactly 48 h it is still `due`.
 */
export function dueState(
  input: { severity: Severity; resolvedAt: Date | null; published: boolean },
  now: Date,
): 'overdue' | 'due' | 'review' | null {
  if (!input.resolvedAt || input.published) return null;
  const need = postmortemRequirement(input.severity);
  if (need === 'review') return 'review';
  if (need === 'none') return null;
  return now.getTime() > postmortemDueAt(input.severity, input.resolvedAt)!.getTime() ? 'overdue' : 'due';
}

type IncidentFacts = Pick<IncidentRow, 'title' | 'severity' | 'summary' | 'impact' | 'opened_at' | 'resolved_at' | 'roles'>;

/** The draft: summary, impact and a minute-by-minute timeline from the incident; the analysis left empty. */
export function prefillPostmortem(incident: IncidentFacts, events: Pick<IncidentEventRow, 'at' | 'message'>[]): PostmortemContent {
  const from = formatUtc(incident.opened_at);
  const to = incident.resolved_at ? `to ${formatUtc(incident.resolved_at)}` : '(not resolved yet)';
  return {
    summary: incident.summary ?? `${incident.title}. From ${from} ${to}.`,
    impact: incident.impact ?? '',
    rootCause: '',
    contributingFactors: [],
    wentWell: [],
    couldImprove: [],
    fiveWhys: [],
    lessons: [],
    prevention: [],
    timeline: events.map((e) => ({ at: e.at.toISOString(), event: e.message })),
  };
}

const md = (s: string) => s.replace(/[\\`*_[\]<>|]/g, '\\$&');
const list = (items: string[], empty: string) => (items.length ? items.map((i) => `- ${md(i)}`).join('\n') : `_${empty}_`);

/** The seeds' post-mortem template, filled. */
export function renderPostmortemMarkdown(
  incident: IncidentFacts & { commander: string | null },
  pm: { status: string; content: PostmortemContent },
  actionItems: Pick<ActionItemRow, 'title' | 'owner' | 'due_date' | 'status' | 'priority'>[],
  now: Date,
): string {
  const c = pm.content;
  const duration = formatDuration((incident.resolved_at ?? now).getTime() - incident.opened_at.getTime());
  const lines = [
    `# Post-Mortem: ${md(incident.title)}`,
    '',
    `**Date**: ${incident.opened_at.toISOString().slice(0, 10)}`,
    `**Duration**: ${duration}${incident.resolved_at ? '' : ' (not resolved yet)'}`,
    `**Severity**: ${incident.severity.replace('SEV', 'SEV-')}`,
    `**Incident Commander**: ${incident.commander ? `@${md(incident.commander)}` : 'not assigned'}`,
    `**Status**: ${pm.status}`,
    '',
    '## Summary',
    '',
    c.summary.trim() ? md(c.summary) : '_Not written yet._',
    '',
    '## Impact',
    '',
    c.impact.trim() ? md(c.impact) : '_Not assessed yet._',
    '',
    '## Timeline',
    '',
    c.timeline.length ? c.timeline.map((e) => `**${formatUtc(new Date(e.at)).slice(11)}** - ${md(e.event)}`).join('\n') : '_No events._',
    '',
    '## Root Cause',
    '',
    c.rootCause.trim() ? md(c.rootCause) : '_Not determined yet._',
    '',
    '## Five Whys',
    '',
    c.fiveWhys.length
      ? c.fiveWhys.map((w, i) => `${i + 1}. **Why?** ${md(w.question)}\n   **Because** ${md(w.answer)}`).join('\n')
      : '_Not written yet._',
    '',
    '## Contributing Factors',
    '',
    list(c.contributingFactors, 'None recorded.'),
    '',
    '## What Went Well',
    '',
    list(c.wentWell, 'Not written yet.'),
    '',
    '## What Went Poorly',
    '',
    list(c.couldImprove, 'Not written yet.'),
    '',
    '## Action Items',
    '',
    actionItems.length
      ? [
          '| Action | Owner | Due Date | Priority | Status |',
          '|--------|-------|----------|----------|--------|',
          ...actionItems.map(
            (a) =>
              `| ${md(a.title)} | @${md(a.owner.replace(/^@/, ''))} | ${a.due_date} | ${a.priority} | ${a.status === 'done' ? 'DONE' : a.status === 'in_progress' ? 'IN PROGRESS' : 'TODO'} |`,
          ),
        ].join('\n')
      : '_None yet._',
    '',
    '## Lessons Learned',
    '',
    c.lessons.length ? c.lessons.map((l, i) => `${i + 1}. ${md(l)}`).join('\n') : '_Not written yet._',
    '',
    '## Prevention',
    '',
    list(c.prevention, 'Not written yet.'),
    '',
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------- writes

function checkVersion(pm: PostmortemRow, ifMatch: string | undefined): void {
  if (ifMatch === undefined) return;
  const tags = ifMatch.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.includes(`"${pm.version}"`)) return;
  throw Errors.preconditionFailed(`If-Match ${ifMatch.slice(0, 100)} does not match the post-mortem's version "${pm.version}"`);
}

export async function findPostmortem(db: Db | Trx, incidentId: string, lock = false): Promise<PostmortemRow> {
  let q = db.selectFrom('postmortems').selectAll().where('incident_id', '=', incidentId);
  if (lock) q = q.forUpdate();
  const pm = await q.executeTakeFirst();
  if (!pm) throw Errors.postmortemNotFound('This incident has no post-mortem yet: POST …/postmortem creates one');
  return pm;
}

export function createPostmortem(
  db: Db,
  ref: string,
  actor: Actor,
  now = new Date(),
): Promise<{ incident: IncidentRow; pm: PostmortemRow }> {
  return inTransaction(db, async (trx) => {
    const incident = await findIncident(trx, ref, true);
    const exists = await trx.selectFrom('postmortems').select('incident_id').where('incident_id', '=', incident.id).executeTakeFirst();
    if (exists) throw Errors.postmortemExists(`Incident #${incident.number} already has a post-mortem: edit it with PUT`);
    const events = await trx
      .selectFrom('incident_events')
      .select(['at', 'message'])
      .where('incident_id', '=', incident.id)
      .orderBy('id')
      .limit(500)
      .execute();
    const content = prefillPostmortem(incident, events);
    const pm = await trx
      .insertInto('postmortems')
      .values({
        incident_id: incident.id,
        content: JSON.stringify(content),
        created_by: actorLabel(actor),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx.updateTable('incidents').set({ postmortem_at: now }).where('id', '=', incident.id).execute();
    const due = postmortemDueAt(incident.severity, incident.resolved_at);
    await addEvent(
      trx,
      incident.id,
      'postmortem_created',
      `Post-mortem drafted by ${actorLabel(actor)}${due ? `; due ${formatUtc(due)}` : ''}`,
      { dueAt: due?.toISOString() ?? null },
      actor,
      now,
    );
    return { incident, pm };
  });
}

export function updatePostmortem(
  db: Db,
  ref: string,
  content: Partial<PostmortemContent>,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<PostmortemRow> {
  return inTransaction(db, async (trx) => {
    const incident = await findIncident(trx, ref);
    const pm = await findPostmortem(trx, incident.id, true);
    checkVersion(pm, ifMatch);
    return trx
      .updateTable('postmortems')
      .set({ content: JSON.stringify({ ...pm.content, ...content }), version: pm.version + 1, updated_at: now })
      .where('incident_id', '=', incident.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export function publishPostmortem(
  db: Db,
  ref: string,
  actor: Actor,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<PostmortemRow> {
  return inTransaction(db, async (trx) => {
    const incident = await findIncident(trx, ref, true);
    const pm = await findPostmortem(trx, incident.id, true);
    checkVersion(pm, ifMatch);
    if (pm.status === 'published') return pm;
    const updated = await trx
      .updateTable('postmortems')
      .set({ status: 'published', published_at: now, version: pm.version + 1, updated_at: now })
      .where('incident_id', '=', incident.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await addEvent(
      trx,
      incident.id,
      'postmortem_published',
      `Post-mortem published by ${actorLabel(actor)}`,
      { version: updated.version },
      actor,
      now,
    );
    return updated;
  });
}

export interface NewActionItem {
  title: string;
  owner: string;
  dueDate: string;
  priority: ActionItemPriority;
}

export function addActionItem(db: Db, ref: string, input: NewActionItem, actor: Actor, now = new Date()): Promise<ActionItemRow> {
  return inTransaction(db, async (trx) => {
    const incident = await findIncident(trx, ref, true);
    const item = await trx
      .insertInto('action_items')
      .values({
        incident_id: incident.id,
        title: input.title,
        owner: input.owner,
        due_date: input.dueDate,
        priority: input.priority,
        created_at: now,
        updated_at: now,
      })
      .returning(ACTION_ITEM_COLUMNS)
      .executeTakeFirstOrThrow();
    if (incident.action_items_at === null)
      await trx.updateTable('incidents').set({ action_items_at: now }).where('id', '=', incident.id).execute();
    await addEvent(
      trx,
      incident.id,
      'action_item_added',
      `Action item for ${input.owner}, due ${input.dueDate}: ${input.title}`,
      { actionItemId: item.id, title: input.title, owner: input.owner, dueDate: input.dueDate, priority: input.priority },
      actor,
      now,
    );
    return item;
  });
}

/** due_date as YYYY-MM-DD text (node-postgres would make a local-time Date of it). */
export const ACTION_ITEM_COLUMNS = [
  'id',
  'incident_id',
  'title',
  'owner',
  sql<string>`due_date::text`.as('due_date'),
  'priority',
  'status',
  'created_at',
  'updated_at',
] as const;

export async function setActionItemStatus(db: Db, id: string, status: ActionItemStatus, now = new Date()): Promise<ActionItemRow> {
  const row = await db
    .updateTable('action_items')
    .set({ status, updated_at: now })
    .where('id', '=', id)
    .returning(ACTION_ITEM_COLUMNS)
    .executeTakeFirst();
  if (!row) throw Errors.actionItemNotFound(`Action item ${id} does not exist`);
  return row;
}

/** Overdue: not done, and its due date (a whole day, UTC) has passed. */
export function actionItemOverdue(item: Pick<ActionItemRow, 'status' | 'due_date'>, now: Date): boolean {
  return item.status !== 'done' && item.due_date < now.toISOString().slice(0, 10);
}

export interface IncidentReport {
  title: string;
  severity: Severity;
  status: string;
  start: string;
  end: string | null;
  durationSeconds: number;
  duration: string;
  summary: string;
  rootCause: string;
  timeline: { at: string; event: string }[];
}

/** The structured incident report (the seeds' script: title, severity, start, end, duration, summary, timeline, root cause). */
export function buildReport(
  incident: Pick<IncidentRow, 'title' | 'severity' | 'status' | 'summary' | 'opened_at' | 'resolved_at'>,
  events: Pick<IncidentEventRow, 'at' | 'message'>[],
  rootCause: string | null,
  now: Date,
): IncidentReport {
  const ms = (incident.resolved_at ?? now).getTime() - incident.opened_at.getTime();
  return {
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    start: incident.opened_at.toISOString(),
    end: incident.resolved_at?.toISOString() ?? null,
    durationSeconds: Math.max(0, Math.floor(ms / 1000)),
    duration: `${formatDuration(ms)}${incident.resolved_at ? '' : ' (ongoing)'}`,
    summary: incident.summary?.trim() || incident.title,
    rootCause: rootCause?.trim() || 'Not determined yet',
    timeline: events.map((e) => ({ at: e.at.toISOString(), event: e.message })),
  };
}

export function renderReportMarkdown(r: IncidentReport, items: Pick<ActionItemRow, 'title' | 'owner' | 'due_date' | 'status'>[]): string {
  return [
    `# Incident Report: ${md(r.title)}`,
    '',
    `- **Severity**: ${r.severity.replace('SEV', 'SEV-')}`,
    `- **Start**: ${formatUtc(new Date(r.start))}`,
    `- **End**: ${r.end ? formatUtc(new Date(r.end)) : 'not resolved yet'}`,
    `- **Duration**: ${r.duration}`,
    '',
    '## Summary',
    '',
    md(r.summary),
    '',
    '## Timeline',
    '',
    r.timeline.length ? r.timeline.map((e) => `**${formatUtc(new Date(e.at)).slice(11)}** - ${md(e.event)}`).join('\n') : '_No events._',
    '',
    '## Root Cause',
    '',
    md(r.rootCause),
    '',
    '## Action Items',
    '',
    items.length
      ? items.map((a) => `- [${a.status === 'done' ? 'x' : ' '}] ${md(a.title)} (@${md(a.owner)}, due ${a.due_date})`).join('\n')
      : '_None yet._',
    '',
  ].join('\n');
}
