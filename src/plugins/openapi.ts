import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { ApiKeySchema } from '../schemas/api-keys.js';
import { EscalationPolicySchema } from '../schemas/escalation-policies.js';
import { TimelineEventSchema } from '../schemas/events.js';
import { AlertSchema, ChangeSchema, ChecklistItemSchema, IncidentSchema } from '../schemas/incidents.js';
import { IntegrationSchema } from '../schemas/integrations.js';
import { NotificationSchema } from '../schemas/notifications.js';
import { ProblemSchema } from '../schemas/problem.js';
import { OverrideSchema, ScheduleSchema } from '../schemas/schedules.js';
import { SilenceSchema } from '../schemas/silences.js';
import { UserSchema } from '../schemas/users.js';
import { DeliveryResultSchema } from '../schemas/webhooks.js';

export const API_VERSION = '0.1.0';

/** Shared schemas: registered once, referenced by $id, emitted as #/components/schemas. */
export const sharedSchemas = [
  ProblemSchema,
  ApiKeySchema,
  IntegrationSchema,
  DeliveryResultSchema,
  SilenceSchema,
  IncidentSchema,
  AlertSchema,
  TimelineEventSchema,
  ChangeSchema,
  ChecklistItemSchema,
  NotificationSchema,
  UserSchema,
  ScheduleSchema,
  OverrideSchema,
  EscalationPolicySchema,
];

type OpenApiDoc = {
  paths?: Record<string, Record<string, { requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonObject }> } }>>;
};
type JsonObject = { type?: string; required?: string[]; minProperties?: number };

/**
 * @fastify/swagger marks every request body required, but the validator reads an absent
 * body as `{}` (schemas/validator.ts): a body whose schema accepts `{}` is optional, and a
 * generated client must be able to leave it out.
 */
function optionalBodies(doc: OpenApiDoc): OpenApiDoc {
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item)) {
      const body = op?.requestBody;
      const schemas = Object.values(body?.content ?? {}).map((m) => m.schema);
      const acceptsEmpty = schemas.length > 0 && schemas.every((s) => s?.type === 'object' && !s.required?.length && !s.minProperties);
      if (body && acceptsEmpty) body.required = false;
    }
  }
  return doc;
}

export default fp(
  async (app) => {
    for (const schema of sharedSchemas) app.addSchema(schema);
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Klaxon API',
          version: API_VERSION,
          description:
            'Alert ingestion and incident management. Errors are RFC 9457 application/problem+json. ' +
            'Authenticate with `Authorization: Bearer <key>`.',
          license: { name: 'MIT', identifier: 'MIT' },
        },
        // Self-hosted: there is no canonical host. '/' is the Klaxon serving this document (relative URLs resolve
        // against it); the template is for tools reading the committed file, pointed at KLAXON_PUBLIC_URL.
        servers: [
          { url: '/', description: 'The Klaxon serving this document' },
          {
            url: '{baseUrl}',
            description: 'A self-hosted Klaxon: its KLAXON_PUBLIC_URL',
            variables: { baseUrl: { default: 'http://localhost:8080', description: 'Scheme, host and port, no trailing slash' } },
          },
        ],
        tags: [
          { name: 'health', description: 'Liveness and readiness probes' },
          { name: 'api-keys', description: 'API keys and their roles (admin)' },
          { name: 'integrations', description: 'Alert sources, their keys and rules (admin)' },
          { name: 'webhooks', description: 'Where monitoring systems send alerts (integration keys)' },
          { name: 'incidents', description: 'Incidents deduplicated from alerts' },
          { name: 'silences', description: 'Label matchers that suppress matching alerts for a time' },
          { name: 'changes', description: 'Deploys and other changes, for triage: what changed recently?' },
          { name: 'stats', description: 'Response metrics: time to acknowledge and resolve' },
          { name: 'postmortems', description: 'Blameless post-mortems, their action items, and which are due' },
          { name: 'status', description: 'The public status page: only what responders published (no authentication)' },
          { name: 'people', description: 'People Klaxon pages and notifies' },
          { name: 'schedules', description: 'On-call rotations, overrides, and who is on call when' },
          { name: 'escalation', description: 'Escalation policies: who is notified, when, how; with a dry run' },
        ],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key (klx_…)' },
            integrationKey: {
              type: 'http',
              scheme: 'bearer',
              description:
                'An integration key (klx_int_…). The `…/{key}` operations take it in the path instead (OpenAPI cannot declare a path credential).',
            },
          },
        },
      },
      transformObject: (documentObject) => optionalBodies((documentObject as { openapiObject: OpenApiDoc }).openapiObject),
      refResolver: {
        // Components keep the $id they were registered with (Problem, ApiKey, …).
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
      },
    });
    // staticCSP: swagger-ui's page gets a policy naming exactly its own inline assets. Klaxon is
    // often served over plain HTTP on a private network, so no upgrade-insecure-requests; no framing.
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      transformStaticCSP: (csp) =>
        csp.replace(/\s*upgrade-insecure-requests;?/, '').replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
    });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
