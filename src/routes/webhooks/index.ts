import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { hashKey } from '../../auth/api-keys.js';
import type { IntegrationKind, IntegrationRow } from '../../db/schema.js';
import { Errors } from '../../errors.js';
import { ingestDelivery, ingestWith } from '../../incidents/deliveries.js';
import { tryFastPaths } from '../../incidents/fast-paths.js';
import type { AdapterSource } from '../../ingest/index.js';
import { type VerifiedSignature, verifyGrafanaSignature, verifySignature } from '../../ingest/signature.js';
import type { AdapterResult } from '../../ingest/types.js';
import { integrationForKey, rememberedIntegration } from '../../integrations/authenticate.js';
import { recordBeat } from '../../integrations/heartbeats.js';
import { ingestContext } from '../../integrations/ingest-context.js';
import { bearerToken } from '../../plugins/auth.js';
import { HealthWebhookBodyContent } from '../../schemas/health-webhook.js';
import { problemResponses } from '../../schemas/problem.js';
import { validatorCompiler } from '../../schemas/validator.js';
import { AlertmanagerWebhookSchema, DatadogWebhookSchema, GrafanaWebhookSchema } from '../../schemas/webhooks.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The integration whose key authenticated a webhook or heartbeat request. */
    integration?: IntegrationRow;
    /** True when `integration` is only what this process remembered of the key (not yet checked). */
    integrationRemembered?: boolean;
    /** hashKey of the webhook's key, computed once per request. */
    keyHash?: string;
  }
}

const KeyParams = Type.Object({
  key: Type.String({
    minLength: 1,
    maxLength: 512,
    description: 'The integration key. It is the credential: keep this URL secret (Klaxon masks it in its logs; proxies may not).',
  }),
});
// OpenAPI has no path-parameter security scheme (apiKey is header, query or cookie), so a key in the path is
// documented as `security: []` plus this sentence.
const KEY_IN_PATH = 'The `key` path segment is the credential: no Authorization header is needed, so treat this URL as a secret.';

const SOURCES: Record<AdapterSource, { summary: string; body: unknown }> = {
  alertmanager: { summary: 'Receive a Prometheus Alertmanager webhook', body: AlertmanagerWebhookSchema },
  datadog: { summary: 'Receive a Datadog webhook', body: DatadogWebhookSchema },
  health: { summary: 'Receive a health-check result (generic, Uptime Kuma, healthchecks.io, Gatus)', body: HealthWebhookBodyContent },
  grafana: { summary: 'Receive a Grafana Alerting webhook (contact point "webhook")', body: GrafanaWebhookSchema },
};

const description =
  'Authenticate with the integration key as `Authorization: Bearer <key>` or as the last path segment. ' +
  'When the integration is signed, send `X-Klaxon-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">` ' +
  '(Grafana: its own `X-Grafana-Alerting-Signature`, with `X-Grafana-Alerting-Timestamp` when set). ' +
  'The delivery is applied all-or-nothing; the answer lists what happened to each alert.';

/** Webhook senders post many content types (or none): bodies arrive as text and adapters decode them. */
const webhookRoutes: FastifyPluginAsync = async (app) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // Request bodies are documented here, not validated: the adapters validate them with precise paths.
  app.setValidatorCompiler((route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)));

  // The key is checked in onRequest, before a byte of the body is read: an unauthenticated
  // sender gets its 401 without making Klaxon buffer up to the body limit.
  const secretOf = (request: FastifyRequest) => (request.params as { key?: string }).key ?? bearerToken(request.headers.authorization);
  const authenticate = (kind: IntegrationKind) => async (request: FastifyRequest) => {
    request.integration = await integrationForKey(app.db, kind, secretOf(request), request.keyHash);
  };
  // A webhook's key may be remembered: its repeat deliveries re-check it in their one statement,
  // and anything else checks it with the database first (receive, below).
  const authenticateWebhook = (kind: IntegrationKind) => async (request: FastifyRequest) => {
    const secret = secretOf(request);
    request.keyHash = hashKey(secret ?? '');
    const remembered = secret ? rememberedIntegration(app.db, kind, request.keyHash) : undefined;
    if (remembered) {
      request.integration = remembered;
      request.integrationRemembered = true;
    } else await authenticate(kind)(request);
  };

  const receive = (source: AdapterSource) => async (request: FastifyRequest) => {
    const rawBody = typeof request.body === 'string' ? request.body : '';
    const now = new Date();
    let decodedAs: { format: string; decoded: () => AdapterResult } | undefined;
    if (!request.integration!.signing_secret) {
      const integration = ingestContext(request.integration!);
      const fast = await tryFastPaths(app.db, { integration, source, rawBody, now, ...app.ingestSettings }, request.keyHash!, app.log);
      if ('answered' in fast) return fast.answered;
      decodedAs = { format: integration.format, decoded: fast.decoded };
    }
    if (request.integrationRemembered) await authenticate(source)(request);
    const row = request.integration!;
    let signature: VerifiedSignature | undefined;
    if (row.signing_secret && source === 'grafana') {
      // Grafana signs with its own header (HMAC of the body, or of "<timestamp>:<body>").
      const sent = header(request, 'x-grafana-alerting-signature');
      const check = verifyGrafanaSignature(sent, header(request, 'x-grafana-alerting-timestamp'), row.signing_secret, rawBody, now);
      if (!check.ok) throw Errors.invalidSignature(check.problem);
      signature = check.signature;
    } else if (row.signing_secret) {
      const check = verifySignature(header(request, 'x-klaxon-signature'), row.signing_secret, rawBody, now);
      if (!check.ok) throw Errors.invalidSignature(check.problem);
      signature = check.signature;
    }
    const integration = ingestContext(row);
    const input = { integration, source, rawBody, now, ...app.ingestSettings, signature };
    // The body as decoded above, unless the integration's pinned body format changed meanwhile.
    if (decodedAs?.format === integration.format) return ingestWith(app.db, input, decodedAs.decoded);
    return ingestDelivery(app.db, input);
  };

  for (const [source, doc] of Object.entries(SOURCES) as [AdapterSource, (typeof SOURCES)[AdapterSource]][]) {
    const operationId = `receive${source[0]!.toUpperCase()}${source.slice(1)}Webhook`;
    const schema = {
      operationId,
      tags: ['webhooks'],
      summary: doc.summary,
      description,
      security: [{ integrationKey: [] }],
      body: doc.body,
      response: { 200: Type.Ref('DeliveryResult'), ...problemResponses(400, 401, 413, 415) },
    };
    const withKey = {
      ...schema,
      operationId: `${operationId}WithKey`,
      description: `${KEY_IN_PATH} ${description}`,
      params: KeyParams,
      security: [],
    };
    const onRequest = authenticateWebhook(source);
    app.post(`/v1/webhooks/${source}`, { schema, onRequest }, receive(source));
    app.post(`/v1/webhooks/${source}/:key`, { schema: withKey, onRequest }, receive(source));
  }

  const beat = async (request: FastifyRequest) => recordBeat(app.db, request.integration!, new Date(), app.ingestSettings);
  const beatSchema = {
    tags: ['webhooks'],
    summary: 'Record a heartbeat',
    description: `${KEY_IN_PATH} Any GET or POST records a beat (a body is ignored). A missed beat raises an alert; the next beat resolves it.`,
    security: [],
    params: KeyParams,
    response: {
      200: Type.Object({
        lastBeatAt: Type.String({ format: 'date-time' }),
        nextDeadline: Type.String({ format: 'date-time' }),
        resolved: Type.Array(
          Type.Object({
            identity: Type.String(),
            incidentId: Type.Union([Type.String(), Type.Null()]),
            incidentNumber: Type.Union([Type.Integer(), Type.Null()]),
            outcome: Type.String(),
          }),
        ),
      }),
      ...problemResponses(400, 401),
    },
  };
  const onBeat = authenticate('heartbeat');
  app.get('/v1/heartbeats/:key', { schema: { ...beatSchema, operationId: 'recordHeartbeat' }, onRequest: onBeat }, beat);
  const postResponse = { ...beatSchema.response, ...problemResponses(400, 401, 413, 415) };
  app.post(
    '/v1/heartbeats/:key',
    { schema: { ...beatSchema, operationId: 'recordHeartbeatPost', response: postResponse }, onRequest: onBeat },
    beat,
  );
};

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export default webhookRoutes;
