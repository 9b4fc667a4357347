import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isDatabaseUnavailable } from '../db/client.js';
import { Errors, type FieldError, KlaxonError, problemType } from '../errors.js';
import { redactRequestUrl } from '../logger.js';
import type { Problem } from '../schemas/problem.js';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Fastify's own errors, by code, mapped onto our list. */
const FASTIFY_CODES: Record<string, (e: FastifyError) => KlaxonError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => Errors.payloadTooLarge('The request body exceeds the configured limit'),
  // Only the JSON API can raise it: webhook routes take any Content-Type.
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => Errors.unsupportedMediaType('Send the body as JSON with Content-Type: application/json'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => Errors.malformedBody('Content-Length does not match the body'),
  FST_ERR_BAD_URL: () => Errors.routeNotFound('The URL could not be decoded'),
  // Fastify's message quotes the whole path, which may hold a key: never pass it on.
  FST_ERR_MAX_PARAM_LENGTH: () => Errors.uriTooLong('A path parameter is longer than this server accepts'),
  FST_ERR_ASYNC_CONSTRAINT: () => Errors.routeNotFound(),
};

function fieldErrors(context: string, issues: ValidationIssue[]): FieldError[] {
  return issues.map((issue) => {
    let path = `/${context}${issue.instancePath ?? ''}`;
    const p = issue.params ?? {};
    const extra =
      p.missingProperty ??
      p.additionalProperty ??
      (p.requiredProperties as string[] | undefined)?.[0] ??
      (p.additionalProperties as string[] | undefined)?.[0];
    if (typeof extra === 'string') path += `/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    return { path, message: issue.message ?? 'is invalid' };
  });
}

/** Seconds a client is asked to wait (Retry-After) while the database is unreachable; a restart takes about this long. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** 503 with Retry-After: the database is down or restarting, so the same request will work later. */
export function databaseUnavailable(detail = 'The database is temporarily unavailable; retry later'): KlaxonError {
  return Errors.unavailable(detail, undefined, { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) });
}

/** Turns anything thrown into a KlaxonError; unknown errors become a 500 whose details are only logged. */
export function toKlaxonError(err: unknown): KlaxonError {
  if (err instanceof KlaxonError) return err;
  const e = err as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (e?.validation) {
    // Fastify names the query string "querystring"; the API documents it as /query.
    const context = e.validationContext === 'querystring' ? 'query' : (e.validationContext ?? 'body');
    const errors = fieldErrors(context, e.validation);
    return Errors.validation(errors.map((x) => `${x.path} ${x.message}`).join('; '), errors);
  }
  const mapped = e?.code ? FASTIFY_CODES[e.code] : undefined;
  if (mapped) return mapped(e);
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new KlaxonError(Errors.badRequest.code, e.statusCode, Errors.badRequest.title, e.message);
  }
  if (isDatabaseUnavailable(err)) return databaseUnavailable();
  return Errors.internal('An unexpected error occurred; it has been logged');
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  err: KlaxonError,
  instance = redactRequestUrl(request.url).split('?')[0],
) {
  const body: Problem = {
    type: problemType(err.code),
    title: err.title,
    status: err.statusCode,
    detail: err.message,
    instance,
    code: err.code,
    requestId: String(request.id),
  };
  if (err.errors?.length) body.errors = err.errors;
  if (err.headers) reply.headers(err.headers);
  if (err.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="klaxon"');
  return reply.code(err.statusCode).type('application/problem+json').send(body);
}

/**
 * Fastify's `frameworkErrors` option: errors the router raises before any route or hook
 * runs (an undecodable URL, a path parameter over maxParamLength) as problems too. The
 * instance is the redacted path with over-long segments elided, so no key is echoed.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', request.id);
  const problem = toKlaxonError(err);
  request.log.info({ code: problem.code }, 'request rejected by the router');
  const instance = redactRequestUrl(request.url)
    .split('?')[0]!
    .replace(/[^/]{65,}/g, '…');
  return sendProblem(request, reply, problem, instance);
}

/** Fastify's default methods; a 405 lists those of them the path has. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'] as const;

/** No route for this request: 405 with Allow when the path exists under other methods, else 404. */
function routeMiss(app: FastifyInstance, request: FastifyRequest): KlaxonError {
  const path = request.url.split('?')[0]!;
  const allow = METHODS.filter((method) => {
    try {
      return app.findRoute({ method, url: path }) !== null;
    } catch {
      return false;
    }
  });
  const shown = redactRequestUrl(path);
  if (allow.length === 0) return Errors.routeNotFound(`No route for ${request.method} ${shown}`);
  const detail = `${request.method} is not allowed on ${shown}; it answers ${allow.join(', ')}`;
  return Errors.methodNotAllowed(detail, undefined, { allow: allow.join(', ') });
}

/** 415 for a body in a Content-Encoding Klaxon does not decode (any but identity), on every route. */
function unsupportedEncoding(request: FastifyRequest): KlaxonError | undefined {
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined || /^\s*(identity\s*)?$/i.test(encoding)) return undefined;
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return undefined;
  const detail = `Content-Encoding ${JSON.stringify(encoding.slice(0, 64))} is not supported: send the body uncompressed`;
  // RFC 7694: Accept-Encoding on the response says which codings a request may use.
  return Errors.unsupportedMediaType(detail, undefined, { 'accept-encoding': 'identity' });
}

export default fp(
  async (app) => {
    // The API speaks JSON only: a text/plain body is a 415, not a string that fails validation.
    app.removeContentTypeParser('text/plain');
    // Decided before a byte of the body is read: a route that does not exist has no body to parse.
    app.addHook('onRequest', async (request) => {
      if (request.is404) throw routeMiss(app, request);
      const refused = unsupportedEncoding(request);
      if (refused) throw refused;
    });
    app.setErrorHandler((err, request, reply) => {
      const problem = toKlaxonError(err);
      if (problem.statusCode >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ code: problem.code, detail: problem.message }, 'request rejected');
      return sendProblem(request, reply, problem);
    });
    // The onRequest hook above answers first; Fastify still wants a handler for its 404 route.
    app.setNotFoundHandler((request, reply) => sendProblem(request, reply, routeMiss(app, request)));
  },
  { name: 'problem-details' },
);
