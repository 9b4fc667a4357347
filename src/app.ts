import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { IngestSettings } from './incidents/deliveries.js';
import { type IncidentPolicy, incidentPolicyFrom } from './incidents/policy.js';
import authPlugin from './plugins/auth.js';
import databasePlugin from './plugins/database.js';
import jsonBody from './plugins/json-body.js';
import metricsPlugin from './plugins/metrics.js';
import openapiPlugin from './plugins/openapi.js';
import problemDetails, { frameworkErrors } from './plugins/problem-details.js';
import securityHeaders from './plugins/security-headers.js';
import apiKeyRoutes from './routes/api-keys/index.js';
import callbackRoutes from './routes/callbacks/index.js';
import changeRoutes from './routes/changes/index.js';
import escalationPolicyRoutes from './routes/escalation-policies/index.js';
import healthRoutes from './routes/health/index.js';
import incidentRoutes from './routes/incidents/index.js';
import integrationRoutes from './routes/integrations/index.js';
import metricsRoutes from './routes/metrics/index.js';
import notificationRoutes from './routes/notifications/index.js';
import opsgenieRoutes from './routes/opsgenie/index.js';
import pagerDutyRoutes from './routes/pagerduty/index.js';
import postmortemRoutes from './routes/postmortems/index.js';
import scheduleRoutes from './routes/schedules/index.js';
import silenceRoutes from './routes/silences/index.js';
import statsRoutes from './routes/stats/index.js';
import statusRoutes from './routes/status/index.js';
import userRoutes from './routes/users/index.js';
import webhookRoutes from './routes/webhooks/index.js';
import { validatorCompiler } from './schemas/validator.js';

export type AppConfig = Pick<Config, 'KLAXON_BODY_LIMIT' | 'KLAXON_DELIVERY_BODY_MAX'> &
  Partial<
    Pick<
      Config,
      | 'KLAXON_PUBLIC_URL'
      | 'KLAXON_ACK_TARGETS'
      | 'KLAXON_UPDATE_CADENCE'
      | 'KLAXON_DEPLOY_HINT_MINUTES'
      | 'KLAXON_CHANGE_LOOKBACK_HOURS'
      | 'KLAXON_METRICS_PUBLIC'
    >
  >;

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig;
    /** The base URL senders should use: KLAXON_PUBLIC_URL, else what this request came to. */
    publicUrl(request: FastifyRequest): string;
    /** What incidents are measured against: acknowledgement targets, the deploy hint window, triage look-back. */
    incidentPolicy: IncidentPolicy;
    /** What every webhook delivery is ingested with (audit body size, the incident policy). */
    ingestSettings: IngestSettings;
  }
}

export interface AppDeps {
  config: AppConfig;
  db: Db;
  /** The process logger (see createLogger); without one the app logs nothing. */
  log?: Logger;
}

/**
 * One log line per request at info, when it completes (with the request, the status and the time),
 * instead of Fastify's two: a log line is a large share of a webhook's cost (docs/benchmarks.md).
 * The arrival is logged at debug.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
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
    logController: new OneLinePerRequest(),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 512 },
    // Router errors (an over-long parameter, an undecodable URL) as problems with a request id.
    frameworkErrors,
  });
  // Bodies are validated exactly (no type coercion); params and query strings are converted (see validator.ts).
  app.setValidatorCompiler(validatorCompiler);
  app.decorate('config', deps.config);
  const incidentPolicy = incidentPolicyFrom(deps.config);
  app.decorate('incidentPolicy', incidentPolicy);
  app.decorate('ingestSettings', { bodyMax: deps.config.KLAXON_DELIVERY_BODY_MAX, policy: incidentPolicy } satisfies IngestSettings);
  app.decorate('publicUrl', (request: FastifyRequest) =>
    (deps.config.KLAXON_PUBLIC_URL ?? `${request.protocol}://${request.host}`).replace(/\/+$/, ''),
  );
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  closeKeepAliveWhileClosing(app);

  // Before problem-details: hooks registered earlier also run for its not-found answers.
  await app.register(securityHeaders);
  await app.register(problemDetails);
  await app.register(jsonBody);
  await app.register(databasePlugin, { db: deps.db });
  await app.register(authPlugin);
  await app.register(metricsPlugin);
  await app.register(openapiPlugin);

  await app.register(healthRoutes);
  await app.register(apiKeyRoutes);
  await app.register(integrationRoutes);
  await app.register(webhookRoutes);
  await app.register(pagerDutyRoutes);
  await app.register(opsgenieRoutes);
  await app.register(incidentRoutes);
  await app.register(notificationRoutes);
  await app.register(callbackRoutes);
  await app.register(silenceRoutes);
  await app.register(changeRoutes);
  await app.register(statsRoutes);
  await app.register(metricsRoutes);
  await app.register(statusRoutes);
  await app.register(postmortemRoutes);
  await app.register(userRoutes);
  await app.register(scheduleRoutes);
  await app.register(escalationPolicyRoutes);
  return app;
}

/**
 * close() closes only the connections idle at that moment: one whose request is in flight
 * would be kept alive after its answer for keepAliveTimeout (72 s), and close() would wait
 * for it (Fastify 5 with a default server never applies forceCloseConnections: 'idle';
 * fastify/fastify#7044). So while closing, answers say `Connection: close`, and any
 * connection that goes idle is closed at once.
 */
function closeKeepAliveWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async () => {
    if (closing) app.server.closeIdleConnections();
  });
}
