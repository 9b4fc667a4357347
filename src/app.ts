import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { Logger } from 'pino';
import authPlugin from './plugins/auth.js';
import databasePlugin from './plugins/database.js';
import jsonBody from './plugins/json-body.js';
import openapiPlugin from './plugins/openapi.js';
import problemDetails from './plugins/problem-details.js';
import apiKeyRoutes from './routes/api-keys/index.js';
import healthRoutes from './routes/health/index.js';
import { validatorCompiler } from './schemas/validator.js';
import incidentRoutes from './routes/incidents/index.js';
import integrationRoutes from './routes/integrations/index.js';
import silenceRoutes from './routes/silences/index.js';
import webhookRoutes from './routes/webhooks/index.js';

export type AppConfig = Pick<Config, 'KLAXON_BODY_LIMIT' | 'KLAXON_DELIVERY_BODY_MAX'> & Partial<Pick<Config, 'KLAXON_PUBLIC_URL'>>;

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig;
    /** The base URL senders should use: KLAXON_PUBLIC_URL, else what this request came to. */
    publicUrl(request: FastifyRequest): string;
  }
}

export interface AppDeps {
  config: AppConfig;
  db: Db;
  /** The process logger (see createLogger); without one the app logs nothing. */
  log?: Logger;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Builds the HTTP app: plugins, then routes. Never listens; the server and the tests both call it. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.log ? { loggerInstance: deps.log as FastifyBaseLogger } : { logger: false }),
    bodyLimit: deps.config.KLAXON_BODY_LIMIT,
    // A caller's request id is kept when it looks like one, so logs join up across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 512 },
  });
  // Bodies are validated exactly (no type coercion); params and query strings are converted (see validator.ts).
  app.setValidatorCompiler(validatorCompiler);
  app.decorate('config', deps.config);
  app.decorate('publicUrl', (request: FastifyRequest) =>
    (deps.config.KLAXON_PUBLIC_URL ?? `${request.protocol}://${request.host}`).replace(/\/+$/, ''),
  );
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(problemDetails);
  await app.register(jsonBody);
  await app.register(databasePlugin, { db: deps.db });
  await app.register(authPlugin);
  await app.register(openapiPlugin);

  await app.register(healthRoutes);
  await app.register(apiKeyRoutes);
  await app.register(integrationRoutes);
  await app.register(webhookRoutes);
  await app.register(incidentRoutes);
  await app.register(silenceRoutes);
  return app;
}
