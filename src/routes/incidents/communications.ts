import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Errors } from '../../errors.js';
import { chatChannelName, type MessageFormat, nextUpdateDue, renderMessage } from '../../incidents/communications.js';
import { etagOf, findIncident, rowToIncident } from '../../incidents/queries.js';
import { latestUpdate, postStatusUpdate } from '../../incidents/updates.js';
import { MessageParamsSchema, StatusUpdateBodySchema } from '../../schemas/communications.js';
import { IncidentRefParamsSchema } from '../../schemas/incidents.js';
import { problemResponses } from '../../schemas/problem.js';
import { requestActor } from './actions.js';

const tags = ['incidents'];

const FORMATS: [string, MessageFormat][] = [
  ['text/plain', 'text'],
  ['text/markdown', 'markdown'],
];

/** The Accept header's choice between plain text and Markdown (highest q first, then order); null: neither. */
export function negotiateFormat(accept: string | undefined): { type: string; format: MessageFormat } | null {
  if (!accept?.trim()) return { type: 'text/plain', format: 'text' };
  const ranges = accept
    .split(',')
    .map((part, i) => {
      const [range, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const qv = q ? Number(q.slice(2)) : 1;
      return { range: range!.trim(), q: Number.isFinite(qv) ? qv : 0, i };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { range } of ranges) {
    const hit = FORMATS.find(([type]) => range === type || range === 'text/*' || range === '*/*');
    if (hit) return { type: hit[0], format: hit[1] };
  }
  return null;
}

const communicationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/incidents/:id/updates',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'postIncidentStatusUpdate',
        tags,
        summary: 'Post a status update',
        description:
          'Status, current findings and actions in progress go on the timeline (a `status_update` event); a different status ' +
          "moves the incident (the lifecycle's rules apply: 409 when refused). The next update is then due by the severity's " +
          'cadence (`nextUpdateDueAt`). With a `publicMessage` the update appears on the public status page (GET /status); ' +
          'nothing else of it does.',
        params: IncidentRefParamsSchema,
        headers: Type.Object({
          'if-match': Type.Optional(Type.String({ maxLength: 512, description: 'The ETag of the version you read' })),
        }),
        body: StatusUpdateBodySchema,
        response: {
          201: {
            description: 'The incident after the update',
            headers: { etag: { type: 'string', description: 'The new version, for the next If-Match' } },
            content: { 'application/json': { schema: Type.Ref('Incident') } },
          },
          ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const { row } = await postStatusUpdate(app.db, request.params.id, request.body, requestActor(request), {
        ifMatch: request.headers['if-match'],
        policy: app.incidentPolicy,
      });
      return reply.code(201).header('etag', etagOf(row)).send(rowToIncident(row, app.incidentPolicy));
    },
  );

  app.get(
    '/v1/incidents/:id/messages/:kind',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'renderIncidentMessage',
        tags,
        summary: "Render one of the seeds' message templates from the incident",
        description:
          "`declared`, `update`, `resolved` are the incident commander's messages; `status-investigating`, `status-identified`, " +
          '`status-resolved` are drafts for the status page. Filled from the incident and its latest status update; a field ' +
          'with no value says so. Plain text, or Markdown with `Accept: text/markdown`.',
        params: MessageParamsSchema,
        headers: Type.Object({ accept: Type.Optional(Type.String({ maxLength: 1024 })) }),
        response: {
          200: {
            description: 'The message',
            content: { 'text/plain': { schema: Type.String() }, 'text/markdown': { schema: Type.String() } },
          },
          ...problemResponses(400, 401, 403, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const chosen = negotiateFormat(request.headers.accept);
      if (!chosen) throw Errors.notAcceptable('This resource is text/plain or text/markdown');
      const row = await findIncident(app.db, request.params.id);
      const policy = app.incidentPolicy;
      const latest = await latestUpdate(app.db, row.id);
      const now = new Date();
      const text = renderMessage(
        request.params.kind,
        {
          title: row.title,
          severity: row.severity,
          status: row.status,
          service: row.service,
          commander: row.roles.commander?.name ?? null,
          openedAt: row.opened_at,
          resolvedAt: row.resolved_at,
          impact: row.impact,
          summary: row.summary,
          ...latest,
          nextUpdateAt: nextUpdateDue(
            { severity: row.severity, status: row.status, openedAt: row.opened_at, lastUpdateAt: row.last_update_at },
            policy.updateCadenceSeconds,
          ),
          cadenceSeconds: policy.updateCadenceSeconds[row.severity],
          channel: chatChannelName({ openedAt: row.opened_at, service: row.service, title: row.title }),
          statusPageUrl: `${app.publicUrl(request)}/status`,
          now,
        },
        chosen.format,
      );
      return reply.header('content-type', `${chosen.type}; charset=utf-8`).header('vary', 'Accept').header('etag', etagOf(row)).send(text);
    },
  );
};

export default communicationRoutes;
