import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type TSchema, Type } from 'typebox';
import { incidentStats } from '../../incidents/stats.js';
import { problemResponses } from '../../schemas/problem.js';
import { INCIDENT_STATUSES, SEVERITIES } from '../../vocabulary.js';

const Num = Type.Union([Type.Number(), Type.Null()]);
const Durations = Type.Object({ count: Type.Integer(), meanSeconds: Num, p50Seconds: Num, p90Seconds: Num });
const Share = Type.Object({
  due: Type.Integer({ description: 'Acknowledged, or unacknowledged past the deadline' }),
  met: Type.Integer({ description: 'Acknowledged by the deadline' }),
  share: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]),
});
const perSeverity = (schema: TSchema) => Type.Object(Object.fromEntries([...SEVERITIES, 'all'].map((s) => [s, schema])));
const counts = (keys: readonly string[]) => Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Integer({ minimum: 0 })])));

const StatsSchema = Type.Object(
  {
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    service: Type.Union([Type.String(), Type.Null()]),
    total: Type.Integer({ minimum: 0 }),
    bySeverity: counts(SEVERITIES),
    byStatus: counts(INCIDENT_STATUSES),
    timeToAcknowledge: perSeverity(Durations),
    timeToResolve: perSeverity(Durations),
    acknowledgedWithinTarget: perSeverity(Share),
  },
  { title: 'Stats' },
);

const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/stats',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getStats',
        tags: ['stats'],
        summary: 'Response metrics: counts, time to acknowledge and resolve, acknowledgements within target',
        description:
          'Over incidents opened in [from, to) (default: the last 30 days), optionally of one service. Durations are ' +
          'seconds from opening; p50/p90 are interpolated percentiles. Targets are the acknowledgement targets ' +
          '(KLAXON_ACK_TARGETS).',
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            service: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: StatsSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => incidentStats(app.db, request.query, app.incidentPolicy),
  );
};

export default statsRoutes;
