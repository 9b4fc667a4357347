import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { alertPage, checklistFor, etagOf, findIncident, getIncidentDetail, listIncidents, timelinePage } from '../../incidents/queries.js';
import {
  AlertPageSchema,
  IncidentDetailSchema,
  IncidentListSchema,
  IncidentRefParamsSchema,
  ListIncidentsQuerySchema,
  PageQuerySchema,
  TimelinePageSchema,
} from '../../schemas/incidents.js';
import { problemResponses } from '../../schemas/problem.js';
import incidentActionRoutes from './actions.js';
import communicationRoutes from './communications.js';

const tags = ['incidents'];
const withEtag = (schema: unknown) => ({
  description: 'The incident',
  headers: { etag: { type: 'string', description: 'The incident version, for If-Match' } },
  content: { 'application/json': { schema } },
});

const incidentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/incidents',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listIncidents',
        tags,
        summary: 'List incidents',
        description:
          'Newest first unless `sort` says otherwise. Filters combine with AND. Pages are cursor-based: pass ' +
          '`nextCursor` back as `cursor` (with the same filters and sort) until it is null. A page never repeats or ' +
          'skips an incident.',
        querystring: ListIncidentsQuerySchema,
        response: { 200: IncidentListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => listIncidents(app.db, request.query, app.incidentPolicy),
  );

  app.get(
    '/v1/incidents/:id',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getIncident',
        tags,
        summary: 'Get an incident',
        description:
          'By UUID or number: the incident with the first page of its alerts and timeline (the rest under `links`), ' +
          'its triage context (recent changes to its service, a rollback hint, earlier similar incidents) and its ' +
          'checklist. The ETag header is its version, for If-Match on changes.',
        params: IncidentRefParamsSchema,
        response: { 200: withEtag(IncidentDetailSchema), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { row, detail } = await getIncidentDetail(app.db, request.params.id, app.incidentPolicy);
      return reply.header('etag', etagOf(row)).send(detail);
    },
  );

  app.get(
    '/v1/incidents/:id/timeline',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getIncidentTimeline',
        tags,
        summary: "An incident's timeline, oldest first",
        description: 'Every event, automatic and human, with its actor. Cursor-paginated.',
        params: IncidentRefParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: TimelinePageSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => timelinePage(app.db, (await findIncident(app.db, request.params.id)).id, request.query),
  );

  app.get(
    '/v1/incidents/:id/notes',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listIncidentNotes',
        tags,
        summary: "An incident's notes, oldest first",
        description: 'The `note` events of its timeline. Cursor-paginated.',
        params: IncidentRefParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: TimelinePageSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => timelinePage(app.db, (await findIncident(app.db, request.params.id)).id, request.query, ['note']),
  );

  app.get(
    '/v1/incidents/:id/alerts',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listIncidentAlerts',
        tags,
        summary: "An incident's alerts, first seen first",
        params: IncidentRefParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: AlertPageSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => alertPage(app.db, (await findIncident(app.db, request.params.id)).id, request.query),
  );

  app.get(
    '/v1/incidents/:id/checklist',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getIncidentChecklist',
        tags,
        summary: "An incident's checklist",
        description:
          "The seeds' during/after checklist. Items Klaxon can observe tick themselves (source `observed`); " +
          'responders tick the rest with PUT …/checklist/{item}.',
        params: IncidentRefParamsSchema,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('ChecklistItem')) }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ items: checklistFor(await findIncident(app.db, request.params.id), app.incidentPolicy) }),
  );

  await app.register(incidentActionRoutes);
  await app.register(communicationRoutes);
};

export default incidentRoutes;
