import fp from 'fastify-plugin';
import helmet from 'helmet';

/**
 * Response headers that keep secrets and pages safe, from the ecosystem's library (helmet):
 * `X-Content-Type-Options: nosniff` and the other helmet defaults everywhere; a content security
 * policy that lets nothing load or frame the API's answers (the /docs page replaces it with
 * swagger-ui's own, which allows just its assets, and frame-ancestors there too); and
 * `Cache-Control: no-store` unless a route sets its own, since API answers carry keys, signing
 * secrets and incident data that no shared or browser cache should keep.
 *
 * helmet's middleware is built once here. The Fastify wrapper (@fastify/helmet) built it again on
 * every request, parsing the policy each time: 3% of Klaxon's thread in a storm of repeats.
 */
export default fp(
  async (app) => {
    const setHeaders = helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] } },
    });
    app.addHook('onRequest', (request, reply, done) => setHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined)));
    app.addHook('onSend', async (request, reply) => {
      if (!reply.hasHeader('cache-control') && !request.url.startsWith('/docs')) reply.header('cache-control', 'no-store');
    });
  },
  { name: 'security-headers' },
);
