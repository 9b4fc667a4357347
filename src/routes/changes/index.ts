import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listChanges, recordChange } from '../../incidents/changes.js';
import { CreateChangeBodySchema } from '../../schemas/incident-actions.js';
import { DEFAULT_LIST_LIMIT } from '../../schemas/incidents.js';
import { problemResponses } from '../../schemas/problem.js';
import { CHANGE_KINDS } from '../../vocabulary.js';

const tags = ['changes'];

const changeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/changes',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'recordChange',
        tags,
        summary: 'Record a change (deploy, config change, feature flag, infrastructure)',
        description:
          'Incidents of the service show the changes before they opened, and a deploy shortly before one is hinted ' +
          'as a rollback candidate. A CI pipeline can post its deploys here.',
        body: CreateChangeBodySchema,
        response: { 201: Type.Ref('Change'), ...problemResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => reply.code(201).send(await recordChange(app.db, request.body, request.principal!.name)),
  );

  app.get(
    '/v1/changes',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listChanges',
        tags,
        summary: 'List changes, newest first',
        querystring: Type.Object(
          {
            service: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            kind: Type.Optional(Type.Enum([...CHANGE_KINDS], { type: 'string' })),
            after: Type.Optional(Type.String({ format: 'date-time', description: 'At or after this instant' })),
            before: Type.Optional(Type.String({ format: 'date-time', description: 'Before this instant' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_LIST_LIMIT })),
            cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref('Change')), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => listChanges(app.db, request.query),
  );
};

export default changeRoutes;
