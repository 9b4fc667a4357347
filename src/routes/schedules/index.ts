import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  createOverride,
  createSchedule,
  deleteOverride,
  deleteSchedule,
  getSchedule,
  listOverrides,
  listSchedules,
  onCall,
  updateSchedule,
} from '../../escalation/schedules.js';
import { IdParamsSchema } from '../../schemas/common.js';
import { problemResponses } from '../../schemas/problem.js';
import {
  CreateOverrideBodySchema,
  CreateScheduleBodySchema,
  ListOverridesQuerySchema,
  OnCallQuerySchema,
  OnCallSchema,
  OverrideListSchema,
  OverrideParamsSchema,
  ScheduleListSchema,
  UpdateScheduleBodySchema,
} from '../../schemas/schedules.js';

const tags = ['schedules'];

const scheduleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/schedules',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'createSchedule',
        tags,
        summary: 'Create an on-call schedule',
        body: CreateScheduleBodySchema,
        response: { 201: Type.Ref('Schedule'), ...problemResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await createSchedule(app.db, request.body)),
  );

  app.get(
    '/v1/schedules',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listSchedules',
        tags,
        summary: 'List schedules',
        response: { 200: ScheduleListSchema, ...problemResponses(401, 403) },
      },
    },
    async () => ({ items: await listSchedules(app.db) }),
  );

  app.get(
    '/v1/schedules/:id',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getSchedule',
        tags,
        summary: 'Get a schedule',
        params: IdParamsSchema,
        response: { 200: Type.Ref('Schedule'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => getSchedule(app.db, request.params.id),
  );

  app.patch(
    '/v1/schedules/:id',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'updateSchedule',
        tags,
        summary: 'Change a schedule',
        params: IdParamsSchema,
        body: UpdateScheduleBodySchema,
        response: { 200: Type.Ref('Schedule'), ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (request) => updateSchedule(app.db, request.params.id, request.body),
  );

  app.delete(
    '/v1/schedules/:id',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'deleteSchedule',
        tags,
        summary: 'Delete a schedule',
        description: 'Refused (409) while an escalation policy names it.',
        params: IdParamsSchema,
        response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deleteSchedule(app.db, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/schedules/:id/on-call',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getOnCall',
        tags,
        summary: 'Who is on call at an instant',
        description: 'Every layer contributes its current shift; an override replaces them all for its window.',
        params: IdParamsSchema,
        querystring: OnCallQuerySchema,
        response: { 200: OnCallSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => onCall(app.db, request.params.id, request.query.at ? new Date(request.query.at) : new Date()),
  );

  app.get(
    '/v1/schedules/:id/overrides',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listScheduleOverrides',
        tags,
        summary: "A schedule's current and future overrides",
        params: IdParamsSchema,
        querystring: ListOverridesQuerySchema,
        response: { 200: OverrideListSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ items: await listOverrides(app.db, request.params.id, request.query.includePast ?? false) }),
  );

  app.post(
    '/v1/schedules/:id/overrides',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'createScheduleOverride',
        tags,
        summary: 'Put someone on call instead, for a time window',
        description: 'Responders may take or swap a shift without changing the rotation.',
        params: IdParamsSchema,
        body: CreateOverrideBodySchema,
        response: { 201: Type.Ref('ScheduleOverride'), ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await createOverride(app.db, request.params.id, request.body)),
  );

  app.delete(
    '/v1/schedules/:id/overrides/:overrideId',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'deleteScheduleOverride',
        tags,
        summary: 'Remove an override',
        params: OverrideParamsSchema,
        response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deleteOverride(app.db, request.params.id, request.params.overrideId);
      return reply.code(204).send(null);
    },
  );
};

export default scheduleRoutes;
