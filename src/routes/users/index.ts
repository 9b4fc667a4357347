import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createUser, deleteUser, getUser, listUsers, updateUser } from '../../escalation/users.js';
import { IdParamsSchema } from '../../schemas/common.js';
import { problemResponses } from '../../schemas/problem.js';
import { CreateUserBodySchema, UpdateUserBodySchema, UserListSchema } from '../../schemas/users.js';

const tags = ['people'];

const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/users',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'createUser',
        tags,
        summary: 'Add a person who can be paged or notified',
        body: CreateUserBodySchema,
        response: { 201: Type.Ref('User'), ...problemResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => reply.code(201).send(await createUser(app.db, request.body)),
  );

  app.get(
    '/v1/users',
    {
      config: { role: 'viewer' },
      schema: { operationId: 'listUsers', tags, summary: 'List people', response: { 200: UserListSchema, ...problemResponses(401, 403) } },
    },
    async () => ({ items: await listUsers(app.db) }),
  );

  app.get(
    '/v1/users/:id',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getUser',
        tags,
        summary: 'Get a person',
        params: IdParamsSchema,
        response: { 200: Type.Ref('User'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => getUser(app.db, request.params.id),
  );

  app.patch(
    '/v1/users/:id',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'updateUser',
        tags,
        summary: "Change a person's details",
        description: 'Fields left out are unchanged; null clears a contact.',
        params: IdParamsSchema,
        body: UpdateUserBodySchema,
        response: { 200: Type.Ref('User'), ...problemResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => updateUser(app.db, request.params.id, request.body),
  );

  app.delete(
    '/v1/users/:id',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'deleteUser',
        tags,
        summary: 'Delete a person',
        description: 'Refused (409) while a schedule layer, a current or future override or an escalation policy names them.',
        params: IdParamsSchema,
        response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deleteUser(app.db, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

export default userRoutes;
