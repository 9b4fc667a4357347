import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listNotifications } from '../../notify/queries.js';
import { IdParamsSchema } from '../../schemas/common.js';
import { ListNotificationsQuerySchema, NotificationListSchema } from '../../schemas/notifications.js';
import { problemResponses } from '../../schemas/problem.js';

const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/incidents/:id/notifications',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listIncidentNotifications',
        tags: ['incidents'],
        summary: "An incident's notifications, with every attempt",
        description:
          'Oldest first: each page, notification, reminder, ticket and digest with its channel, target, status, ' +
          'attempts (each with its outcome and error) and timestamps. Pages are cursor-based: pass `nextCursor` back as `cursor`.',
        params: IdParamsSchema,
        querystring: ListNotificationsQuerySchema,
        response: { 200: NotificationListSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listNotifications(app.db, request.params.id, request.query),
  );
};

export default notificationRoutes;
