import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { IntegrationKind } from '../../db/schema.js';
import { Errors } from '../../errors.js';
import { ingestDelivery } from '../../incidents/deliveries.js';
import { HealthCheckSchema } from '../../ingest/health.js';
import type { AdapterSource } from '../../ingest/index.js';
import { signatureProblem } from '../../ingest/signature.js';
import { integrationForKey } from '../../integrations/authenticate.js';
import { recordBeat } from '../../integrations/heartbeats.js';
import { ingestContext } from '../../integrations/ingest-context.js';
import { bearerToken } from '../../plugins/auth.js';
import { problemResponses } from '../../schemas/problem.js';
import { validatorCompiler } from '../../schemas/validator.js';
import { AlertmanagerWebhookSchema, DatadogWebhookSchema } from '../../schemas/webhooks.js';

const KeyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 512, description: 'The integration key' }) });

const SOURCES: Record<AdapterSource, { summary: string; body: unknown }> = {
  alertmanager: { summary: 'Receive a Prometheus Alertmanager webhook', body: AlertmanagerWebhookSchema },
  datadog: { summary: 'Receive a Datadog webhook', body: DatadogWebhookSchema },
  health: { summary: 'Receive a health-check result (generic, Uptime Kuma, healthchecks.io, Gatus)', body: HealthCheckSchema },
};

const description =
  'Authenticate with the integration key as `Authorization: Bearer <key>` or as the last path segment. ' +
  'When the integration is signed, send `X-Klaxon-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`. ' +
  'The delivery is applied all-or-nothing; the answer lists what happened to each alert.';

/** Webhook senders post many content types (or none): bodies arrive as text and adapters decode them. */
const webhookRoutes: FastifyPluginAsync = async (app) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // Request bodies are documented here, not validated: the adapters validate them with precise paths.
  app.setValidatorCompiler((route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)));

  const receive = (source: AdapterSource) => async (request: FastifyRequest<{ Params: { key?: string } }>) => {
    const secret = request.params.key ?? bearerToken(request.headers.authorization);
    const row = await integrationForKey(app.db, source as IntegrationKind, secret);
    const rawBody = typeof request.body === 'string' ? request.body : '';
    const now = new Date();
    if (row.signing_secret) {
      const problem = signatureProblem(header(request, 'x-klaxon-signature'), row.signing_secret, rawBody, now);
      if (problem) throw Errors.unauthenticated(problem);
    }
    return ingestDelivery(app.db, { integration: ingestContext(row), source, rawBody, now, bodyMax: app.config.KLAXON_DELIVERY_BODY_MAX });
  };

  for (const [source, doc] of Object.entries(SOURCES) as [AdapterSource, (typeof SOURCES)[AdapterSource]][]) {
    const schema = {
      tags: ['webhooks'],
      summary: doc.summary,
      description,
      security: [{ integrationKey: [] }],
      body: doc.body,
      response: { 200: Type.Ref('DeliveryResult'), ...problemResponses(400, 401, 413) },
    };
    app.post(`/v1/webhooks/${source}`, { schema }, receive(source));
    app.post(`/v1/webhooks/${source}/:key`, { schema: { ...schema, params: KeyParams, security: [] } }, receive(source));
  }

  const beat = async (request: FastifyRequest<{ Params: { key: string } }>) => {
    const row = await integrationForKey(app.db, 'heartbeat', request.params.key);
    return recordBeat(app.db, row, new Date(), app.config.KLAXON_DELIVERY_BODY_MAX);
  };
  const beatSchema = {
    tags: ['webhooks'],
    summary: 'Record a heartbeat',
    description: 'Any GET or POST records a beat (a body is ignored). A missed beat raises an alert; the next beat resolves it.',
    params: KeyParams,
    response: {
      200: Type.Object({
        lastBeatAt: Type.String({ format: 'date-time' }),
        nextDeadline: Type.String({ format: 'date-time' }),
        resolved: Type.Array(Type.Object({ identity: Type.String(), incidentId: Type.Union([Type.String(), Type.Null()]), incidentNumber: Type.Union([Type.Integer(), Type.Null()]), outcome: Type.String() })),
      }),
      ...problemResponses(400, 401),
    },
  };
  app.get('/v1/heartbeats/:key', { schema: beatSchema }, beat);
  app.post('/v1/heartbeats/:key', { schema: beatSchema }, beat);
};

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export default webhookRoutes;
