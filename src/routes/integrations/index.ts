import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listDeliveries } from '../../incidents/deliveries.js';
import {
  createIntegration,
  DEFAULT_OVERLAP_SECONDS,
  deleteIntegration,
  getIntegration,
  listIntegrations,
  rotateKey,
  updateIntegration,
} from '../../integrations/integrations.js';
import { IdParamsSchema } from '../../schemas/common.js';
import {
  CreatedIntegrationSchema,
  CreateIntegrationBodySchema,
  IntegrationListSchema,
  RotatedKeySchema,
  RotateKeyBodySchema,
  UpdatedIntegrationSchema,
  UpdateIntegrationBodySchema,
} from '../../schemas/integrations.js';
import { problemResponses } from '../../schemas/problem.js';
import { DeliveryListSchema, ListDeliveriesQuerySchema } from '../../schemas/webhooks.js';

const tags = ['integrations'];

const integrationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/integrations',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'createIntegration',
        tags,
        summary: 'Create an integration (an alert source with its own key)',
        description: 'Answers with the integration key and, when `signed`, the signing secret: both are shown only now.',
        body: CreateIntegrationBodySchema,
        response: { 201: CreatedIntegrationSchema, ...problemResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => reply.code(201).send(await createIntegration(app.db, request.body, app.publicUrl(request))),
  );

  app.get(
    '/v1/integrations',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'listIntegrations',
        tags,
        summary: 'List integrations',
        response: { 200: IntegrationListSchema, ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ items: await listIntegrations(app.db, app.publicUrl(request)) }),
  );

  app.get(
    '/v1/integrations/:id',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'getIntegration',
        tags,
        summary: 'Get an integration',
        params: IdParamsSchema,
        response: { 200: Type.Ref('Integration'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => getIntegration(app.db, request.params.id, app.publicUrl(request)),
  );

  app.patch(
    '/v1/integrations/:id',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'updateIntegration',
        tags,
        summary: "Change an integration's settings",
        description:
          'Fields left out are unchanged. `signed: true` on an unsigned integration generates a signing secret, returned only in this response.',
        params: IdParamsSchema,
        body: UpdateIntegrationBodySchema,
        response: { 200: UpdatedIntegrationSchema, ...problemResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => updateIntegration(app.db, request.params.id, request.body, app.publicUrl(request)),
  );

  app.delete(
    '/v1/integrations/:id',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'deleteIntegration',
        tags,
        summary: 'Delete an integration',
        description: 'Its keys stop working at once; its incidents and alerts are kept.',
        params: IdParamsSchema,
        response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deleteIntegration(app.db, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/integrations/:id/deliveries',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'listIntegrationDeliveries',
        tags,
        summary: 'Recent webhook deliveries of an integration (audit trail)',
        description:
          'Newest first; what was received, what Klaxon answered and what happened to each alert. Kept for KLAXON_DELIVERY_RETENTION_DAYS.',
        params: IdParamsSchema,
        querystring: ListDeliveriesQuerySchema,
        response: { 200: DeliveryListSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await getIntegration(app.db, request.params.id, app.publicUrl(request)); // 404 for an unknown id
      return { items: await listDeliveries(app.db, request.params.id, { limit: request.query.limit ?? 20, before: request.query.before }) };
    },
  );

  app.post(
    '/v1/integrations/:id/rotate-key',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'rotateIntegrationKey',
        tags,
        summary: 'Issue a new integration key; current keys keep working for an overlap',
        params: IdParamsSchema,
        body: Type.Optional(RotateKeyBodySchema),
        response: { 200: RotatedKeySchema, ...problemResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) =>
      rotateKey(app.db, request.params.id, request.body?.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS, app.publicUrl(request)),
  );
};

export default integrationRoutes;
