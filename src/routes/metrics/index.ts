import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { registry } from '../../metrics.js';
import { problemResponses } from '../../schemas/problem.js';

/**
 * GET /metrics in Prometheus text format. It needs a viewer key unless
 * KLAXON_METRICS_PUBLIC=true opens it (for a scraper on a private network).
 */
const metricsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const open = app.config.KLAXON_METRICS_PUBLIC === true;
  app.get(
    '/metrics',
    {
      ...(open ? {} : { config: { role: 'viewer' as const } }),
      schema: {
        operationId: 'getMetrics',
        tags: ['stats'],
        summary: 'Prometheus metrics',
        description:
          'Alerts ingested by source and outcome, incidents opened by severity, open incidents by severity and status, ' +
          'request latency, and time-to-acknowledge / time-to-resolve histograms. Incident metrics are read from the ' +
          'database, so every replica reports the same values (aggregate with max). ' +
          (open ? 'Open (KLAXON_METRICS_PUBLIC=true).' : 'Set KLAXON_METRICS_PUBLIC=true to serve it without a key.'),
        ...(open ? { security: [] } : {}),
        response: {
          200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: Type.String() } } },
          ...(open ? problemResponses() : problemResponses(401, 403)),
        },
      },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
};

export default metricsRoutes;
