import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { statusPage } from '../../incidents/status-page.js';
import { StatusPageSchema } from '../../schemas/communications.js';
import { problemResponses } from '../../schemas/problem.js';
import { renderStatusPage, STATUS_PAGE_CSP } from './html.js';

/** Shared caches may keep the page briefly: it is public, and a burst of visitors during an outage should not each query the database. */
const CACHE_CONTROL = 'public, max-age=30, stale-while-revalidate=30';
const tags = ['status'];

const statusRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/status',
    {
      schema: {
        operationId: 'getStatusPage',
        tags,
        summary: 'The public status page (HTML)',
        description:
          'No authentication. The services Klaxon knows and their state, the public updates of open SEV1/SEV2 incidents ' +
          '(and of others a responder published), newest first, and incidents resolved in the last 7 days. Only what ' +
          'responders published appears.',
        security: [],
        response: {
          200: { description: 'The page', content: { 'text/html': { schema: Type.String() } } },
          ...problemResponses(400, 503),
        },
      },
    },
    async (_request, reply) => {
      const html = renderStatusPage(await statusPage(app.db));
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', CACHE_CONTROL)
        .header('content-security-policy', STATUS_PAGE_CSP)
        .send(html);
    },
  );

  app.get(
    '/status.json',
    {
      schema: {
        operationId: 'getStatusPageJson',
        tags,
        summary: 'The public status page (JSON)',
        description: 'The same content as /status, for other pages and tools. No authentication.',
        security: [],
        response: { 200: StatusPageSchema, ...problemResponses(400, 503) },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', CACHE_CONTROL).header('access-control-allow-origin', '*');
      return statusPage(app.db);
    },
  );
};

export default statusRoutes;
