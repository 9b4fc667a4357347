import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Errors, KlaxonError, problemType, type FieldError } from '../errors.js';
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
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (e) => Errors.unsupportedMediaType(e.message),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => Errors.malformedBody('Content-Length does not match the body'),
  FST_ERR_BAD_URL: () => Errors.routeNotFound('The URL could not be decoded'),
  FST_ERR_ASYNC_CONSTRAINT: () => Errors.routeNotFound(),
};

function fieldErrors(context: string, issues: ValidationIssue[]): FieldError[] {
  return issues.map((issue) => {
    let path = `/${context}${issue.instancePath ?? ''}`;
    const p = issue.params ?? {};
    const extra = p.missingProperty ?? p.additionalProperty ?? (p.requiredProperties as string[] | undefined)?.[0]
      ?? (p.additionalProperties as string[] | undefined)?.[0];
    if (typeof extra === 'string') path += `/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    return { path, message: issue.message ?? 'is invalid' };
  });
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
  return Errors.internal('An unexpected error occurred; it has been logged');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, err: KlaxonError) {
  const body: Problem = {
    type: problemType(err.code),
    title: err.title,
    status: err.statusCode,
    detail: err.message,
    instance: redactRequestUrl(request.url).split('?')[0],
    code: err.code,
    requestId: String(request.id),
  };
  if (err.errors?.length) body.errors = err.errors;
  if (err.headers) reply.headers(err.headers);
  if (err.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="klaxon"');
  return reply.code(err.statusCode).type('application/problem+json').send(body);
}

export default fp(
  async (app) => {
    app.setErrorHandler((err, request, reply) => {
      const problem = toKlaxonError(err);
      if (problem.statusCode >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ code: problem.code, detail: problem.message }, 'request rejected');
      return sendProblem(request, reply, problem);
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(request, reply, Errors.routeNotFound(`No route for ${request.method} ${redactRequestUrl(request.url).split('?')[0]}`)),
    );
  },
  { name: 'problem-details' },
);
