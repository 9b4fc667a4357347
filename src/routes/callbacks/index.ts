import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import type { IntegrationRow } from '../../db/schema.js';
import { Errors } from '../../errors.js';
import { escalateNow } from '../../escalation/hooks.js';
import { parseWebhookBody } from '../../ingest/json.js';
import { verifySignature } from '../../ingest/signature.js';
import { PayloadError } from '../../ingest/types.js';
import { integrationForKey } from '../../integrations/authenticate.js';
import { lifecycleAct } from '../../notify/incident-actions.js';
import { handlePagerCallback } from '../../notify/pager-callback.js';
import { bearerToken } from '../../plugins/auth.js';
import { type PagerCallbackBody, PagerCallbackBodySchema, PagerCallbackResultSchema } from '../../schemas/callbacks.js';
import { problemResponses } from '../../schemas/problem.js';
import { validatorCompiler } from '../../schemas/validator.js';

declare module 'fastify' {
  interface FastifyRequest {
    pagerIntegration?: IntegrationRow;
  }
}

const KeyParams = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 512, description: 'The pager integration key (the credential: keep this URL secret)' }),
});

/** The body as the signature covers it: raw text, then JSON checked against the schema with paths. */
function readBody(raw: string): PagerCallbackBody {
  let parsed: ReturnType<typeof parseWebhookBody>;
  try {
    parsed = parseWebhookBody(raw);
  } catch (err) {
    if (err instanceof PayloadError) throw Errors.malformedBody(err.message);
    throw err;
  }
  if (!parsed.ok) throw Errors.malformedBody(`The body must be JSON: ${parsed.reason}`);
  if (!Value.Check(PagerCallbackBodySchema, parsed.value)) {
    const errors = [...Value.Errors(PagerCallbackBodySchema, parsed.value)]
      .slice(0, 10)
      .map((e) => ({ path: `/body${e.instancePath}`, message: e.message }));
    throw Errors.validation(errors.map((e) => `${e.path} ${e.message}`).join('; '), errors);
  }
  return parsed.value;
}

/** Pager providers acting on a responder's behalf; signed with the integration's secret, replay-protected. */
const callbackRoutes: FastifyPluginAsync = async (app) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setValidatorCompiler((route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)));
  app.decorateRequest('pagerIntegration', undefined);
  const deps = { db: app.db, act: lifecycleAct(app.incidentPolicy), escalateNow };

  // Before the body is read: an unknown key is a 401 whatever it sends.
  const authenticate = async (request: FastifyRequest) => {
    const { key } = request.params as { key?: string };
    const row = await integrationForKey(app.db, 'pager', key ?? bearerToken(request.headers.authorization));
    if (!row.signing_secret) {
      throw Errors.invalidSignature('Pager integrations must be signed: set `signed: true` on the integration and sign each callback');
    }
    request.pagerIntegration = row;
  };

  const description =
    'Authenticate with a `pager` integration key as `Authorization: Bearer <key>` or as the last path segment. ' +
    'Every callback is signed: `X-Klaxon-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">` with the ' +
    "integration's signing secret. A signature more than 5 minutes off is refused, and each signature is acted on " +
    'once (a replay gets 409). The action is recorded on the timeline with the responder and the integration.';
  const schema = {
    operationId: 'receivePagerCallback',
    tags: ['webhooks'],
    summary: 'A pager acknowledges, resolves or escalates an incident for a responder',
    description,
    security: [{ integrationKey: [] }],
    body: PagerCallbackBodySchema,
    response: { 200: PagerCallbackResultSchema, ...problemResponses(400, 401, 404, 409, 413, 415) },
  };
  const handler = async (request: FastifyRequest) => {
    const row = request.pagerIntegration!;
    const raw = typeof request.body === 'string' ? request.body : '';
    const now = new Date();
    const header = request.headers['x-klaxon-signature'];
    const check = verifySignature(Array.isArray(header) ? header[0] : header, row.signing_secret!, raw, now);
    if (!check.ok) throw Errors.invalidSignature(check.problem);
    return handlePagerCallback(deps, row, readBody(raw), check.signature, now);
  };
  app.post('/v1/callbacks/pager', { onRequest: authenticate, schema }, handler);
  app.post(
    '/v1/callbacks/pager/:key',
    {
      onRequest: authenticate,
      schema: {
        ...schema,
        operationId: 'receivePagerCallbackWithKey',
        description: `The \`key\` path segment is the credential: no Authorization header is needed, so treat this URL as a secret. ${description}`,
        security: [],
        params: KeyParams,
      },
    },
    handler,
  );
};

export default callbackRoutes;
