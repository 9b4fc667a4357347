import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { migrationsCurrent } from '../../db/migrator.js';
import { Errors } from '../../errors.js';
import { databaseUnavailable } from '../../plugins/problem-details.js';
import { problemResponses } from '../../schemas/problem.js';

const StatusSchema = Type.Object({ status: Type.String() });

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health/live',
    {
      schema: {
        operationId: 'getLiveness',
        tags: ['health'],
        summary: 'Liveness: the process is up',
        security: [],
        response: { 200: StatusSchema, ...problemResponses() },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Readiness: the database is reachable and migrations are current',
        security: [],
        response: { 200: StatusSchema, ...problemResponses(503) },
      },
    },
    async () => {
      try {
        await sql`select 1`.execute(app.db);
      } catch {
        throw databaseUnavailable('The database is not reachable');
      }
      if (!(await migrationsCurrent(app.db))) throw Errors.unavailable('Database migrations are not current');
      return { status: 'ready' };
    },
  );
};

export default healthRoutes;
