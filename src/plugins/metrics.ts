import fp from 'fastify-plugin';
import { readIncidentMetricsFrom, requestDuration } from '../metrics.js';

/** Observes every request's latency by route pattern (never the URL: keys in paths never become labels). */
export default fp(
  async (app) => {
    readIncidentMetricsFrom(app.db);
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      requestDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
  },
  { name: 'metrics', dependencies: ['database'] },
);
