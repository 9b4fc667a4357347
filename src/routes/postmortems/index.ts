import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { ActionItemRow, IncidentRow, PostmortemRow } from '../../db/schema.js';
import { Errors } from '../../errors.js';
import {
  ACTION_ITEM_COLUMNS,
  actionItemOverdue,
  addActionItem,
  buildReport,
  createPostmortem,
  dueState,
  findPostmortem,
  postmortemDueAt,
  publishPostmortem,
  renderPostmortemMarkdown,
  renderReportMarkdown,
  setActionItemStatus,
  updatePostmortem,
} from '../../incidents/postmortems.js';
import { findIncident } from '../../incidents/queries.js';
import { latestUpdate } from '../../incidents/updates.js';
import { IncidentRefParamsSchema } from '../../schemas/incidents.js';
import {
  type ActionItem,
  ActionItemPatchSchema,
  ActionItemSchema,
  ActionItemsQuerySchema,
  IncidentReportSchema,
  NewActionItemSchema,
  PostmortemDueSchema,
  PostmortemEditSchema,
  PostmortemSchema,
} from '../../schemas/postmortems.js';
import { problemResponses } from '../../schemas/problem.js';
import { requestActor } from '../incidents/actions.js';

const tags = ['postmortems'];
const IfMatch = Type.Object({
  'if-match': Type.Optional(Type.String({ maxLength: 512, description: "The post-mortem's ETag you read: 412 if it changed since" })),
});
const withEtag = (description: string, schema: unknown) => ({
  description,
  headers: { etag: { type: 'string', description: "The post-mortem's version, for If-Match" } },
  content: { 'application/json': { schema } },
});

function toPostmortem(incident: IncidentRow, pm: PostmortemRow, now = new Date()) {
  return {
    incidentId: incident.id,
    title: incident.title,
    severity: incident.severity,
    commander: incident.roles.commander?.name ?? null,
    startedAt: incident.opened_at.toISOString(),
    resolvedAt: incident.resolved_at?.toISOString() ?? null,
    durationSeconds: Math.max(0, Math.floor(((incident.resolved_at ?? now).getTime() - incident.opened_at.getTime()) / 1000)),
    status: pm.status,
    dueAt: postmortemDueAt(incident.severity, incident.resolved_at)?.toISOString() ?? null,
    version: pm.version,
    createdBy: pm.created_by,
    createdAt: pm.created_at.toISOString(),
    updatedAt: pm.updated_at.toISOString(),
    publishedAt: pm.published_at?.toISOString() ?? null,
    ...pm.content,
  };
}

function toActionItem(row: ActionItemRow, now = new Date()): ActionItem {
  return {
    id: row.id,
    incidentId: row.incident_id,
    title: row.title,
    owner: row.owner,
    dueDate: row.due_date,
    priority: row.priority,
    status: row.status,
    overdue: actionItemOverdue(row, now),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** JSON unless the client prefers Markdown. */
function wantsMarkdown(request: FastifyRequest): boolean {
  const accept = (request.headers.accept ?? '').toLowerCase();
  if (!accept.trim()) return false;
  const ranges = accept.split(',').map((p) => {
    const [range, ...params] = p.trim().split(';');
    const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    return { range: range!.trim(), q: q ? Number(q.slice(2)) || 0 : 1 };
  });
  const q = (types: string[]) => Math.max(0, ...ranges.filter((r) => types.includes(r.range)).map((r) => r.q));
  const markdown = q(['text/markdown']);
  const json = q(['application/json', 'application/*', '*/*']);
  if (markdown === 0 && json === 0) throw Errors.notAcceptable('This resource is application/json or text/markdown');
  return markdown > json;
}

const postmortemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const PM_ERRORS = problemResponses(400, 401, 403, 404, 409, 412, 413, 415);

  app.post(
    '/v1/incidents/:id/postmortem',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'createPostmortem',
        tags,
        summary: 'Draft a post-mortem pre-filled from the incident',
        description:
          'Summary, impact, duration, severity, commander and the minute-by-minute timeline come from the incident; root cause, ' +
          'contributing factors, what went well, what could be improved, five whys, lessons and prevention start empty. ' +
          'One per incident (409 when it exists). Ticks the checklist\'s "post-mortem scheduled".',
        params: IncidentRefParamsSchema,
        response: { 201: withEtag('The draft', PostmortemSchema), ...PM_ERRORS },
      },
    },
    async (request, reply) => {
      const { incident, pm } = await createPostmortem(app.db, request.params.id, requestActor(request));
      return reply
        .code(201)
        .header('etag', `"${pm.version}"`)
        .header('location', `/v1/incidents/${incident.id}/postmortem`)
        .send(toPostmortem(incident, pm));
    },
  );

  app.get(
    '/v1/incidents/:id/postmortem',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getPostmortem',
        tags,
        summary: "An incident's post-mortem, as JSON or as the seeds' Markdown",
        description: "JSON, or with `Accept: text/markdown` the seeds' post-mortem template filled in (with its action items).",
        params: IncidentRefParamsSchema,
        headers: Type.Object({ accept: Type.Optional(Type.String({ maxLength: 1024 })) }),
        response: {
          200: {
            description: 'The post-mortem',
            headers: { etag: { type: 'string', description: "The post-mortem's version" } },
            content: { 'application/json': { schema: PostmortemSchema }, 'text/markdown': { schema: Type.String() } },
          },
          ...problemResponses(400, 401, 403, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const markdown = wantsMarkdown(request);
      const incident = await findIncident(app.db, request.params.id);
      const pm = await findPostmortem(app.db, incident.id);
      reply.header('etag', `"${pm.version}"`).header('vary', 'Accept');
      if (!markdown) return reply.send(toPostmortem(incident, pm));
      const items = await app.db
        .selectFrom('action_items')
        .select(ACTION_ITEM_COLUMNS)
        .where('incident_id', '=', incident.id)
        .orderBy('created_at')
        .execute();
      const text = renderPostmortemMarkdown(
        { ...incident, commander: incident.roles.commander?.name ?? null },
        { status: pm.status, content: pm.content },
        items,
        new Date(),
      );
      return reply.header('content-type', 'text/markdown; charset=utf-8').send(text);
    },
  );

  app.put(
    '/v1/incidents/:id/postmortem',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'editPostmortem',
        tags,
        summary: 'Edit a post-mortem',
        description: 'Replaces the sections given (the others stay). `If-Match` with the ETag you read: 412 if it changed since.',
        params: IncidentRefParamsSchema,
        headers: IfMatch,
        body: PostmortemEditSchema,
        response: { 200: withEtag('The post-mortem after the edit', PostmortemSchema), ...PM_ERRORS },
      },
    },
    async (request, reply) => {
      const pm = await updatePostmortem(app.db, request.params.id, request.body, request.headers['if-match']);
      const incident = await findIncident(app.db, pm.incident_id);
      return reply.header('etag', `"${pm.version}"`).send(toPostmortem(incident, pm));
    },
  );

  app.post(
    '/v1/incidents/:id/postmortem/publish',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'publishPostmortem',
        tags,
        summary: 'Publish a post-mortem',
        description: 'Draft → published, with a timeline event. Publishing again changes nothing.',
        params: IncidentRefParamsSchema,
        headers: IfMatch,
        response: { 200: withEtag('The published post-mortem', PostmortemSchema), ...PM_ERRORS },
      },
    },
    async (request, reply) => {
      const pm = await publishPostmortem(app.db, request.params.id, requestActor(request), request.headers['if-match']);
      const incident = await findIncident(app.db, pm.incident_id);
      return reply.header('etag', `"${pm.version}"`).send(toPostmortem(incident, pm));
    },
  );

  app.post(
    '/v1/incidents/:id/action-items',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'addActionItem',
        tags,
        summary: 'Add an action item (title, owner, due date, priority)',
        description: 'Goes on the timeline; the first one ticks the checklist\'s "action items created".',
        params: IncidentRefParamsSchema,
        body: NewActionItemSchema,
        response: { 201: ActionItemSchema, ...problemResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request, reply) => {
      const row = await addActionItem(
        app.db,
        request.params.id,
        { ...request.body, priority: request.body.priority ?? 'medium' },
        requestActor(request),
      );
      return reply.code(201).send(toActionItem(row));
    },
  );

  app.get(
    '/v1/incidents/:id/action-items',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listIncidentActionItems',
        tags,
        summary: "An incident's action items, oldest first",
        params: IncidentRefParamsSchema,
        response: { 200: Type.Object({ items: Type.Array(ActionItemSchema) }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const incident = await findIncident(app.db, request.params.id);
      const rows = await app.db
        .selectFrom('action_items')
        .select(ACTION_ITEM_COLUMNS)
        .where('incident_id', '=', incident.id)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      const now = new Date();
      return { items: rows.map((r) => toActionItem(r, now)) };
    },
  );

  app.patch(
    '/v1/action-items/:actionItemId',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'updateActionItem',
        tags,
        summary: "Change an action item's status",
        params: Type.Object({ actionItemId: Type.String({ format: 'uuid' }) }),
        body: ActionItemPatchSchema,
        response: { 200: ActionItemSchema, ...problemResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => toActionItem(await setActionItemStatus(app.db, request.params.actionItemId, request.body.status)),
  );

  app.get(
    '/v1/action-items',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listActionItems',
        tags,
        summary: 'Action items across incidents',
        description:
          'Filtered by status and owner; earliest due first; overdue ones flagged (`overdue`, or only them with `overdue=true`).',
        querystring: ActionItemsQuerySchema,
        response: { 200: Type.Object({ items: Type.Array(ActionItemSchema) }), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { status, owner, overdue, limit } = request.query;
      const now = new Date();
      let q = app.db
        .selectFrom('action_items')
        .select(ACTION_ITEM_COLUMNS)
        .orderBy('due_date')
        .orderBy('id')
        .limit(limit ?? 200);
      if (status) q = q.where('status', '=', status);
      if (owner !== undefined) q = q.where('owner', '=', owner);
      if (overdue === true)
        q = q.where('status', '<>', 'done').where(sql<boolean>`due_date < (${now.toISOString()}::timestamptz at time zone 'UTC')::date`);
      const rows = await q.execute();
      return { items: rows.map((r) => toActionItem(r, now)) };
    },
  );

  app.get(
    '/v1/incidents/:id/report',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getIncidentReport',
        tags,
        summary: 'The structured incident report',
        description:
          'Title, severity, start, end, duration, summary, timeline, root cause and action items, as JSON or (with ' +
          "`Accept: text/markdown`) Markdown. The root cause is the post-mortem's, else the latest status update's findings.",
        params: IncidentRefParamsSchema,
        headers: Type.Object({ accept: Type.Optional(Type.String({ maxLength: 1024 })) }),
        response: {
          200: {
            description: 'The report',
            content: { 'application/json': { schema: IncidentReportSchema }, 'text/markdown': { schema: Type.String() } },
          },
          ...problemResponses(400, 401, 403, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const markdown = wantsMarkdown(request);
      const incident = await findIncident(app.db, request.params.id);
      const now = new Date();
      const [events, pm, latest, rows] = await Promise.all([
        app.db
          .selectFrom('incident_events')
          .select(['at', 'message'])
          .where('incident_id', '=', incident.id)
          .orderBy('id')
          .limit(500)
          .execute(),
        app.db.selectFrom('postmortems').select('content').where('incident_id', '=', incident.id).executeTakeFirst(),
        latestUpdate(app.db, incident.id),
        app.db
          .selectFrom('action_items')
          .select(ACTION_ITEM_COLUMNS)
          .where('incident_id', '=', incident.id)
          .orderBy('created_at')
          .execute(),
      ]);
      const report = buildReport(incident, events, pm?.content.rootCause || latest.findings, now);
      reply.header('vary', 'Accept');
      if (markdown) return reply.header('content-type', 'text/markdown; charset=utf-8').send(renderReportMarkdown(report, rows));
      return reply.send({ ...report, actionItems: rows.map((r) => toActionItem(r, now)) });
    },
  );

  app.get(
    '/v1/postmortems/due',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listPostmortemsDue',
        tags,
        summary: 'Resolved incidents that need a post-mortem and have none published',
        description:
          'SEV1/SEV2: `overdue` past 48 hours after resolution, else `due`; SEV3: `review` (a lightweight review). ' +
          'Incidents resolved in the last 30 days; overdue first, then by due time.',
        response: { 200: PostmortemDueSchema, ...problemResponses(401, 403) },
      },
    },
    async () => {
      const now = new Date();
      const rows = await app.db
        .selectFrom('incidents')
        .leftJoin('postmortems', 'postmortems.incident_id', 'incidents.id')
        .select([
          'incidents.id',
          'incidents.number',
          'incidents.title',
          'incidents.severity',
          'incidents.resolved_at',
          'postmortems.status as pm_status',
        ])
        .where('incidents.status', '=', 'resolved')
        .where('incidents.severity', 'in', ['SEV1', 'SEV2', 'SEV3'])
        .where('incidents.resolved_at', '>=', new Date(now.getTime() - 30 * 86_400_000))
        .where((eb) => eb.or([eb('postmortems.status', 'is', null), eb('postmortems.status', '<>', 'published')]))
        .orderBy('incidents.resolved_at')
        .limit(500)
        .execute();
      const rank = { overdue: 0, due: 1, review: 2 } as const;
      const items = rows
        .map((r) => {
          const state = dueState({ severity: r.severity, resolvedAt: r.resolved_at, published: false }, now);
          return state
            ? {
                incidentId: r.id,
                number: Number(r.number),
                title: r.title,
                severity: r.severity,
                resolvedAt: r.resolved_at!.toISOString(),
                dueAt: postmortemDueAt(r.severity, r.resolved_at)?.toISOString() ?? null,
                state,
                postmortem: r.pm_status ? ('draft' as const) : ('none' as const),
              }
            : null;
        })
        .filter((x) => x !== null)
        .sort((a, b) => rank[a.state] - rank[b.state]);
      return { items };
    },
  );
};

export default postmortemRoutes;
