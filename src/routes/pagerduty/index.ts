import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { receivePagerDutyChange, receivePagerDutyEvent } from '../../integrations/pagerduty.js';
import { toKlaxonError } from '../../plugins/problem-details.js';

/**
 * PagerDuty's Events API, drop-in: senders built for PagerDuty (Alertmanager, Grafana, Zabbix,
 * Uptime Kuma, Gatus, healthchecks.io) switch by changing the URL and the key. The answers are
 * PagerDuty's own shapes, not problem+json, because senders parse them (Zabbix requires 202 with
 * `"status":"success"`, Gatus reads `dedup_key`). Another vendor's API: kept out of Klaxon's
 * OpenAPI document and described in docs/integrations.md.
 */
const ErrorBody = Type.Object({ status: Type.String(), message: Type.String(), errors: Type.Array(Type.String()) });
const Accepted = Type.Object({ status: Type.String(), message: Type.String(), dedup_key: Type.Optional(Type.String()) });
const AcceptedV1 = Type.Object({ status: Type.String(), message: Type.String(), incident_key: Type.Optional(Type.String()) });
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody, 500: ErrorBody, 503: ErrorBody };
const tags = ['pagerduty-compatible'];

/** Any error as PagerDuty words it: `{status, message, errors[]}`; 4xx are "invalid event" (do not retry). */
function sendPagerDutyError(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  const problem = toKlaxonError(err);
  if (problem.statusCode >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ code: problem.code, detail: problem.message }, 'pagerduty event refused');
  if (problem.headers) reply.headers(problem.headers);
  const status = problem.statusCode >= 500 ? 'error' : 'invalid event';
  const message = problem.statusCode >= 500 ? 'Internal error; retry later' : 'Event object is invalid';
  const list = problem.errors?.length
    ? problem.errors.map((e) => `${e.path.replace(/^\/body/, '') || '/'}: ${e.message}`)
    : [problem.statusCode >= 500 ? problem.title : problem.message];
  return reply.code(problem.statusCode).type('application/json').send({ status, message, errors: list });
}

const pagerDutyRoutes: FastifyPluginAsync = async (app) => {
  // Senders post JSON with a JSON content type, or none at all: read every body as text and decode it ourselves.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler(sendPagerDutyError);
  // Also for requests the root hooks refuse (an unsupported Content-Encoding): they run in this context.

  const request = (req: FastifyRequest) => ({
    rawBody: typeof req.body === 'string' ? req.body : '',
    now: new Date(),
    ...app.ingestSettings,
  });

  app.post(
    '/v2/enqueue',
    {
      schema: {
        hide: true,
        operationId: 'pagerDutyEnqueue',
        tags,
        summary: 'PagerDuty Events API v2: trigger, acknowledge or resolve an alert',
        response: { 202: Accepted, ...errors },
      },
    },
    async (req, reply) => {
      const { dedupKey } = await receivePagerDutyEvent(app.db, 'v2', request(req));
      return reply.code(202).send({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
    },
  );

  app.post(
    '/v2/change/enqueue',
    {
      schema: {
        hide: true,
        operationId: 'pagerDutyChangeEnqueue',
        tags,
        summary: 'PagerDuty Events API v2: record a change event',
        response: { 202: Accepted, ...errors },
      },
    },
    async (req, reply) => {
      await receivePagerDutyChange(app.db, request(req));
      return reply.code(202).send({ status: 'success', message: 'Change event processed' });
    },
  );

  app.post(
    '/generic/2010-04-15/create_event.json',
    {
      schema: {
        hide: true,
        operationId: 'pagerDutyCreateEventV1',
        tags,
        summary: 'PagerDuty Events API v1 (legacy): trigger, acknowledge or resolve an incident',
        response: { 200: AcceptedV1, ...errors },
      },
    },
    async (req) => {
      const { dedupKey } = await receivePagerDutyEvent(app.db, 'v1', request(req));
      return { status: 'success', message: 'Event processed', incident_key: dedupKey };
    },
  );
};

export default pagerDutyRoutes;
