import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createSilence, expireSilence, getSilence, listSilences } from '../../incidents/silences.js';
import { IdParamsSchema } from '../../schemas/common.js';
import { problemResponses } from '../../schemas/problem.js';
import { CreateSilenceBodySchema, ListSilencesQuerySchema } from '../../schemas/silences.js';

const tags = ['silences'];
// Inlined until 'Silence' is in sharedSchemas (plugins/openapi.ts); then Type.Ref('Silence').
const SilenceResponse = Type.Ref('Silence');

const silenceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/silences',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'createSilence',
        tags,
        summary: 'Create a silence',
        description:
          'Firing alerts whose labels match every matcher are recorded as suppressed while the silence is active. ' +
          'Regexes use RE2 syntax (as Alertmanager), anchored at both ends; at least one matcher must not match the ' +
          'empty string. A startsAt in the past is moved to now.',
        body: CreateSilenceBodySchema,
        response: { 201: SilenceResponse, ...problemResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      const silence = await createSilence(app.db, request.body, request.principal!.name);
      return reply.code(201).header('location', `/v1/silences/${silence.id}`).send(silence);
    },
  );

  app.get(
    '/v1/silences',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listSilences',
        tags,
        summary: 'List silences',
        description:
          'By default the unexpired ones (active and pending). Ordered as Alertmanager does: active by endsAt, ' +
          'then pending by startsAt, then expired by endsAt, most recent first.',
        querystring: ListSilencesQuerySchema,
        response: { 200: Type.Object({ items: Type.Array(SilenceResponse) }), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => ({ items: await listSilences(app.db, { state: request.query.state }, new Date()) }),
  );

  app.get(
    '/v1/silences/:id',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getSilence',
        tags,
        summary: 'Get a silence',
        params: IdParamsSchema,
        response: { 200: SilenceResponse, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => getSilence(app.db, request.params.id, new Date()),
  );

  app.delete(
    '/v1/silences/:id',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'expireSilence',
        tags,
        summary: 'Expire a silence',
        description:
          'Ends the silence now (a pending one never starts); the record is kept with status expired. ' +
          'Idempotent: expiring an expired silence succeeds and changes nothing.',
        params: IdParamsSchema,
        response: { 204: Type.Null({ description: 'Expired' }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await expireSilence(app.db, request.params.id, new Date());
      return reply.code(204).send(null);
    },
  );
};

export default silenceRoutes;
