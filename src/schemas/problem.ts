import { type Static, Type } from 'typebox';
import { Errors } from '../errors.js';

/** RFC 9457 problem details, as every error response carries them. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'Problem type URI, e.g. urn:klaxon:problem:incident-not-found' }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String({ description: 'The request path' })),
    code: Type.Enum(
      Object.values(Errors).map((e) => e.code),
      { type: 'string', description: 'Stable machine-readable error code naming the condition (the list in src/errors.ts)' },
    ),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String({ description: 'JSON Pointer to the offending value, e.g. /body/name' }),
          message: Type.String(),
        }),
      ),
    ),
  },
  { $id: 'Problem', title: 'Problem', description: 'RFC 9457 problem details' },
);
export type Problem = Static<typeof ProblemSchema>;

const descriptions: Record<number, string> = {
  400: 'Malformed or invalid request',
  401: 'Missing, unknown or revoked key',
  403: 'The key lacks the required role',
  404: 'Not found',
  406: 'None of the media types in Accept can be produced',
  409: 'Conflict with the current state',
  412: 'If-Match names a version that is no longer current: read the resource again',
  413: 'Request body too large',
  414: 'URI too long: a path parameter exceeds 512 characters',
  415: 'Unsupported media type',
  422: 'Request understood but not processable',
  503: 'Service unavailable',
};

/** Response entries for the given error statuses, as application/problem+json referencing #/components/schemas/Problem. */
export function problemResponses(...statuses: number[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const status of [...statuses, 500]) {
    out[String(status)] = {
      description: descriptions[status] ?? 'Internal server error',
      content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
    };
  }
  return out;
}
