import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createPolicy, deletePolicy, getPolicy, listPolicies, replacePolicy, simulate } from '../../escalation/policy-store.js';
import { IdParamsSchema } from '../../schemas/common.js';
import { EscalationPolicyListSchema, PolicyBodySchema, SimulateBodySchema, SimulationSchema } from '../../schemas/escalation-policies.js';
import { problemResponses } from '../../schemas/problem.js';

const tags = ['escalation'];

const escalationPolicyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/escalation-policies',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'createEscalationPolicy',
        tags,
        summary: 'Create an escalation policy',
        description: 'Which incidents it takes (`match`), its ordered steps with delays and targets, and how often it repeats.',
        body: PolicyBodySchema,
        response: { 201: Type.Ref('EscalationPolicy'), ...problemResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await createPolicy(app.db, request.body)),
  );

  app.get(
    '/v1/escalation-policies',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listEscalationPolicies',
        tags,
        summary: 'List escalation policies (the shipped defaults included)',
        response: { 200: EscalationPolicyListSchema, ...problemResponses(401, 403) },
      },
    },
    async () => ({ items: await listPolicies(app.db) }),
  );

  app.get(
    '/v1/escalation-policies/:id',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getEscalationPolicy',
        tags,
        summary: 'Get an escalation policy',
        params: IdParamsSchema,
        response: { 200: Type.Ref('EscalationPolicy'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => getPolicy(app.db, request.params.id),
  );

  app.put(
    '/v1/escalation-policies/:id',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'replaceEscalationPolicy',
        tags,
        summary: 'Replace an escalation policy',
        description: 'Escalations under way use the new steps from their next step on.',
        params: IdParamsSchema,
        body: PolicyBodySchema,
        response: { 200: Type.Ref('EscalationPolicy'), ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (request) => replacePolicy(app.db, request.params.id, request.body),
  );

  app.delete(
    '/v1/escalation-policies/:id',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'deleteEscalationPolicy',
        tags,
        summary: 'Delete an escalation policy',
        description: 'Escalations under it stop at their next step; the timeline records why.',
        params: IdParamsSchema,
        response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deletePolicy(app.db, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/escalation-policies/:id/simulate',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'simulateEscalationPolicy',
        tags,
        summary: 'Dry run: who this policy would notify, when, and how, for a hypothetical incident',
        description:
          'Nothing is sent. Uses the planner the engine uses; schedules resolve to who is on call at each step time. ' +
          '`chosenPolicy` says which policy the engine would actually choose for such an incident.',
        params: IdParamsSchema,
        body: SimulateBodySchema,
        response: { 200: SimulationSchema, ...problemResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => simulate(app.db, request.params.id, request.body),
  );
};

export default escalationPolicyRoutes;
