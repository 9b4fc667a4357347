import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getIncident, listIncidents } from '../../incidents/queries.js';
import { IdParamsSchema } from '../../schemas/common.js';
import { IncidentDetailSchema, IncidentListSchema, ListIncidentsQuerySchema } from '../../schemas/incidents.js';
import { problemResponses } from '../../schemas/problem.js';

const incidentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/incidents',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listIncidents',
        tags: ['incidents'],
        summary: 'List incidents, newest first',
        description:
          'Ordered by opening time, newest first. Filters combine with AND. Pages are cursor-based: ' +
          'pass `nextCursor` back as `cursor` until it is null. A page never repeats or skips an incident.',
        querystring: ListIncidentsQuerySchema,
        response: { 200: IncidentListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => listIncidents(app.db, request.query),
  );

  app.get(
    '/v1/incidents/:id',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getIncident',
        tags: ['incidents'],
        summary: 'Get an incident with its alerts and timeline',
        description: 'Alerts are ordered by when they were first seen; the timeline is oldest first.',
        params: IdParamsSchema,
        response: { 200: IncidentDetailSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => getIncident(app.db, request.params.id),
  );
};

export default incidentRoutes;
