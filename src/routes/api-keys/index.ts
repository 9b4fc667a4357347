import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createApiKey, listApiKeys, revokeApiKey } from '../../auth/api-keys.js';
import { ApiKeyListSchema, CreateApiKeyBodySchema, CreatedApiKeySchema, ListApiKeysQuerySchema } from '../../schemas/api-keys.js';
import { IdParamsSchema } from '../../schemas/common.js';
import { problemResponses } from '../../schemas/problem.js';

const apiKeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/api-keys',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'createApiKey',
        tags: ['api-keys'],
        summary: 'Create an API key',
        description: 'The secret `key` is returned only in this response; Klaxon stores only its hash.',
        body: CreateApiKeyBodySchema,
        response: { 201: CreatedApiKeySchema, ...problemResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => reply.code(201).send(await createApiKey(app.db, request.body)),
  );

  app.get(
    '/v1/api-keys',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'listApiKeys',
        tags: ['api-keys'],
        summary: 'List API keys (never their secrets)',
        querystring: ListApiKeysQuerySchema,
        response: { 200: ApiKeyListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => ({ items: await listApiKeys(app.db, request.query.includeRevoked ?? false) }),
  );

  app.delete(
    '/v1/api-keys/:id',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'revokeApiKey',
        tags: ['api-keys'],
        summary: 'Revoke an API key',
        description: 'Idempotent. The last active admin key cannot be revoked (409).',
        params: IdParamsSchema,
        response: { 204: Type.Null({ description: 'Revoked' }), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await revokeApiKey(app.db, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

export default apiKeyRoutes;
