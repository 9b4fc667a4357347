/**
 * The one list of errors Klaxon answers with. Each has a stable code, an HTTP
 * status and a title; the problem-details plugin renders them as RFC 9457
 * application/problem+json. Domain code throws these; routes never build error bodies.
 */

export interface FieldError {
  /** JSON Pointer to the offending value, e.g. "/body/name". */
  path: string;
  message: string;
}

export class KlaxonError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    readonly title: string,
    detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
    this.name = 'KlaxonError';
  }
}

type Factory = (detail?: string, errors?: FieldError[]) => KlaxonError;

function define(code: string, statusCode: number, title: string): Factory & { code: string; statusCode: number; title: string } {
  const factory = (detail?: string, errors?: FieldError[]) => new KlaxonError(code, statusCode, title, detail, errors);
  return Object.assign(factory, { code, statusCode, title });
}

export const Errors = {
  validation: define('KLX_VALIDATION', 400, 'Request validation failed'),
  malformedBody: define('KLX_MALFORMED_BODY', 400, 'Malformed request body'),
  /** Any other client error Fastify raises (its status is kept). */
  badRequest: define('KLX_BAD_REQUEST', 400, 'Bad request'),
  unauthenticated: define('KLX_UNAUTHENTICATED', 401, 'Authentication required'),
  forbidden: define('KLX_FORBIDDEN', 403, 'Insufficient role'),
  notFound: define('KLX_NOT_FOUND', 404, 'Resource not found'),
  routeNotFound: define('KLX_ROUTE_NOT_FOUND', 404, 'No such route'),
  methodNotAllowed: define('KLX_METHOD_NOT_ALLOWED', 405, 'Method not allowed'),
  conflict: define('KLX_CONFLICT', 409, 'Conflict'),
  payloadTooLarge: define('KLX_PAYLOAD_TOO_LARGE', 413, 'Request body too large'),
  unsupportedMediaType: define('KLX_UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type'),
  unprocessable: define('KLX_UNPROCESSABLE', 422, 'Request could not be processed'),
  rateLimited: define('KLX_RATE_LIMITED', 429, 'Too many requests'),
  internal: define('KLX_INTERNAL', 500, 'Internal server error'),
  unavailable: define('KLX_UNAVAILABLE', 503, 'Service unavailable'),
} as const;

export type ErrorName = keyof typeof Errors;

/** `urn:klaxon:problem:not-found` for KLX_NOT_FOUND: a stable, dereference-free problem type URI. */
export function problemType(code: string): string {
  return `urn:klaxon:problem:${code.replace(/^KLX_/, '').toLowerCase().replace(/_/g, '-')}`;
}
