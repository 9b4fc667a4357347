import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

/**
 * Response headers that keep secrets and pages safe, from the ecosystem's plugin:
 * `X-Content-Type-Options: nosniff` and the other helmet defaults everywhere; a
 * content security policy that lets nothing load or frame the API's answers (the
 * /docs page replaces it with swagger-ui's own, which allows just its assets, and
 * frame-ancestors there too); and `Cache-Control: no-store` unless a route sets its
 * own, since API answers carry keys, signing secrets and incident data that no
 * shared or browser cache should keep.
 */
export default fp(
  async (app) => {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] } },
    });
    app.addHook('onSend', async (request, reply) => {
      if (!reply.hasHeader('cache-control') && !request.url.startsWith('/docs')) reply.header('cache-control', 'no-store');
    });
  },
  { name: 'security-headers' },
);
