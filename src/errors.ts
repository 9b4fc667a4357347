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

/** Headers the answer carries with the problem (Allow, Retry-After, Accept-Encoding). */
type Factory = (detail?: string, errors?: FieldError[], headers?: Record<string, string>) => KlaxonError;

function define(code: string, statusCode: number, title: string): Factory & { code: string; statusCode: number; title: string } {
  const factory: Factory = (detail, errors, headers) => new KlaxonError(code, statusCode, title, detail, errors, headers);
  return Object.assign(factory, { code, statusCode, title });
}

export const Errors = {
  validation: define('KLX_VALIDATION', 400, 'Request validation failed'),
  malformedBody: define('KLX_MALFORMED_BODY', 400, 'Malformed request body'),
  /** Any other client error Fastify raises (its status is kept). */
  badRequest: define('KLX_BAD_REQUEST', 400, 'Bad request'),
  unauthenticated: define('KLX_UNAUTHENTICATED', 401, 'Authentication required'),
  forbidden: define('KLX_FORBIDDEN', 403, 'Insufficient role'),
  invalidCursor: define('KLX_INVALID_CURSOR', 400, 'Invalid pagination cursor'),
  payloadNotUnderstood: define('KLX_PAYLOAD_NOT_UNDERSTOOD', 400, 'Webhook payload not understood'),
  invalidSignature: define('KLX_INVALID_SIGNATURE', 401, 'Webhook signature refused'),
  apiKeyNotFound: define('KLX_API_KEY_NOT_FOUND', 404, 'API key not found'),
  integrationNotFound: define('KLX_INTEGRATION_NOT_FOUND', 404, 'Integration not found'),
  incidentNotFound: define('KLX_INCIDENT_NOT_FOUND', 404, 'Incident not found'),
  postmortemNotFound: define('KLX_POSTMORTEM_NOT_FOUND', 404, 'Post-mortem not found'),
  actionItemNotFound: define('KLX_ACTION_ITEM_NOT_FOUND', 404, 'Action item not found'),
  postmortemExists: define('KLX_POSTMORTEM_EXISTS', 409, 'The incident already has a post-mortem'),
  silenceNotFound: define('KLX_SILENCE_NOT_FOUND', 404, 'Silence not found'),
  /** An Opsgenie-compatible request id this integration never received. */
  requestNotFound: define('KLX_REQUEST_NOT_FOUND', 404, 'Request not found'),
  userNotFound: define('KLX_USER_NOT_FOUND', 404, 'User not found'),
  scheduleNotFound: define('KLX_SCHEDULE_NOT_FOUND', 404, 'Schedule not found'),
  overrideNotFound: define('KLX_OVERRIDE_NOT_FOUND', 404, 'Schedule override not found'),
  escalationPolicyNotFound: define('KLX_ESCALATION_POLICY_NOT_FOUND', 404, 'Escalation policy not found'),
  /** A body names a user, schedule or integration that does not exist. */
  unknownReference: define('KLX_UNKNOWN_REFERENCE', 422, 'Reference to something that does not exist'),
  /** Deleting something still named elsewhere (a user on a schedule, a schedule in a policy). */
  stillReferenced: define('KLX_STILL_REFERENCED', 409, 'Still in use'),
  routeNotFound: define('KLX_ROUTE_NOT_FOUND', 404, 'No such route'),
  methodNotAllowed: define('KLX_METHOD_NOT_ALLOWED', 405, 'Method not allowed'),
  notAcceptable: define('KLX_NOT_ACCEPTABLE', 406, 'None of the accepted media types can be produced'),
  lastAdminKey: define('KLX_LAST_ADMIN_KEY', 409, 'The last active admin key cannot be revoked'),
  invalidTransition: define('KLX_INVALID_TRANSITION', 409, 'The incident cannot make this transition'),
  preconditionFailed: define('KLX_PRECONDITION_FAILED', 412, 'The incident changed since you read it'),
  callbackReplayed: define('KLX_CALLBACK_REPLAYED', 409, 'Callback already accepted'),
  payloadTooLarge: define('KLX_PAYLOAD_TOO_LARGE', 413, 'Request body too large'),
  uriTooLong: define('KLX_URI_TOO_LONG', 414, 'URI too long'),
  unsupportedMediaType: define('KLX_UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type'),
  internal: define('KLX_INTERNAL', 500, 'Internal server error'),
  unavailable: define('KLX_UNAVAILABLE', 503, 'Service unavailable'),
} as const;

export type ErrorName = keyof typeof Errors;

/** `urn:klaxon:problem:not-found` for KLX_NOT_FOUND: a stable, dereference-free problem type URI. */
export function problemType(code: string): string {
  return `urn:klaxon:problem:${code.replace(/^KLX_/, '').toLowerCase().replace(/_/g, '-')}`;
}
