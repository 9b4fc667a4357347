import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { OpsgenieAction } from '../../ingest/opsgenie.js';
import { authenticateOpsgenie, type IdentifierType, opsgenieRequestStatus, receiveOpsgenie } from '../../integrations/opsgenie.js';
import { toKlaxonError } from '../../plugins/problem-details.js';

/**
 * Opsgenie's Alert API, drop-in: Alertmanager's `opsgenie_configs` (`api_url` = Klaxon's base URL),
 * Grafana's Opsgenie contact point (`apiUrl` = Klaxon's /v2/alerts), Zabbix. Answers in Opsgenie's
 * shapes (`202 {result, took, requestId}`; errors `{message, took, requestId}`), which senders parse.
 * Another vendor's API: kept out of Klaxon's OpenAPI document and described in docs/integrations.md.
 */
/** Opsgenie's `took`: seconds spent on the request. */
const took = (reply: FastifyReply) => Math.round(reply.elapsedTime) / 1000;

const ErrorBody = Type.Object({
  message: Type.String(),
  took: Type.Number(),
  requestId: Type.String(),
  errors: Type.Optional(Type.Record(Type.String(), Type.String())),
});
const Accepted = Type.Object({ result: Type.String(), took: Type.Number(), requestId: Type.String() });
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody, 500: ErrorBody, 503: ErrorBody };
const tags = ['opsgenie-compatible'];

function sendOpsgenieError(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  const problem = toKlaxonError(err);
  if (problem.statusCode >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ code: problem.code, detail: problem.message }, 'opsgenie request refused');
  if (problem.headers) reply.headers(problem.headers);
  const message =
    problem.statusCode === 401
      ? 'Could not authenticate'
      : problem.errors?.length
        ? 'Request body is not processable. Please check the errors.'
        : problem.statusCode >= 500
          ? 'Internal error; retry later'
          : problem.message;
  const body: Record<string, unknown> = { message, took: took(reply), requestId: String(request.id) };
  if (problem.errors?.length)
    body.errors = Object.fromEntries(problem.errors.map((e) => [e.path.replace(/^\/body\/?/, '') || 'body', e.message]));
  return reply.code(problem.statusCode).type('application/json').send(body);
}

const Identifier = Type.Object({ identifier: Type.String({ minLength: 1, maxLength: 512 }) });
const IdentifierQuery = Type.Object({
  identifierType: Type.Optional(Type.Enum(['id', 'alias', 'tiny'], { type: 'string', default: 'id' })),
});

const opsgenieRoutes: FastifyPluginAsync = async (app) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler(sendOpsgenieError);
  // The key is checked before a byte of the body is read.
  app.addHook('onRequest', async (request) => {
    request.integration = await authenticateOpsgenie(app.db, request.headers.authorization);
  });

  const input = (request: FastifyRequest) => ({
    rawBody: typeof request.body === 'string' ? request.body : '',
    now: new Date(),
    ...app.ingestSettings,
  });
  const accepted = (reply: FastifyReply, requestId: string) =>
    reply.code(202).send({ result: 'Request will be processed', took: took(reply), requestId });

  // Zabbix's `opsgenie_api` ends in a slash (it appends `<alias>/close` and `requests/<id>`), so it creates at `/v2/alerts/`.
  for (const [url, operationId] of [
    ['/v2/alerts', 'opsgenieCreateAlert'],
    ['/v2/alerts/', 'opsgenieCreateAlertSlash'],
  ] as const) {
    app.post(
      url,
      { schema: { hide: true, operationId, tags, summary: 'Opsgenie Alert API: create an alert', response: { 202: Accepted, ...errors } } },
      async (request, reply) => {
        const { requestId } = await receiveOpsgenie(app.db, request.integration!, { action: 'create' }, input(request));
        return accepted(reply, requestId);
      },
    );
  }

  for (const action of ['close', 'acknowledge', 'unacknowledge', 'notes'] as const satisfies readonly OpsgenieAction[]) {
    app.post(
      `/v2/alerts/:identifier/${action}`,
      {
        schema: {
          hide: true,
          operationId: `opsgenie${action[0]!.toUpperCase()}${action.slice(1)}Alert`,
          tags,
          summary: `Opsgenie Alert API: ${action} an alert`,
          params: Identifier,
          querystring: IdentifierQuery,
          response: { 202: Accepted, ...errors },
        },
      },
      async (request, reply) => {
        const { identifier } = request.params as { identifier: string };
        const identifierType = ((request.query as { identifierType?: IdentifierType }).identifierType ?? 'id') as IdentifierType;
        const { requestId } = await receiveOpsgenie(app.db, request.integration!, { action, identifier, identifierType }, input(request));
        return accepted(reply, requestId);
      },
    );
  }

  for (const field of ['message', 'description'] as const) {
    app.put(
      `/v2/alerts/:identifier/${field}`,
      {
        schema: {
          hide: true,
          operationId: `opsgenieUpdateAlert${field === 'message' ? 'Message' : 'Description'}`,
          tags,
          summary: `Opsgenie Alert API: update an alert's ${field} (Alertmanager update_alerts)`,
          params: Identifier,
          querystring: IdentifierQuery,
          response: { 202: Accepted, ...errors },
        },
      },
      async (request, reply) => {
        const { identifier } = request.params as { identifier: string };
        const identifierType = ((request.query as { identifierType?: IdentifierType }).identifierType ?? 'id') as IdentifierType;
        const target = { action: field, identifier, identifierType };
        const { requestId } = await receiveOpsgenie(app.db, request.integration!, target, input(request));
        return accepted(reply, requestId);
      },
    );
  }

  app.get(
    '/v2/alerts/requests/:requestId',
    {
      schema: {
        hide: true,
        operationId: 'opsgenieRequestStatus',
        tags,
        summary: 'Opsgenie Alert API: what became of a request',
        params: Type.Object({ requestId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: {
          200: Type.Object({
            data: Type.Object({
              success: Type.Boolean(),
              action: Type.String(),
              processedAt: Type.String(),
              integrationId: Type.String(),
              isSuccess: Type.Boolean(),
              status: Type.String(),
              alertId: Type.String(),
              alias: Type.String(),
            }),
            took: Type.Number(),
            requestId: Type.String(),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { requestId } = request.params as { requestId: string };
      const status = await opsgenieRequestStatus(app.db, request.integration!, requestId);
      return { ...status, took: took(reply), requestId: randomUUID() };
    },
  );
};

export default opsgenieRoutes;
