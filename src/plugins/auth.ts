import type { FastifySchema, onRequestAsyncHookHandler, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { authenticate, type Principal, roleSatisfies } from '../auth/api-keys.js';
import { Errors } from '../errors.js';
import type { Role } from '../schemas/api-keys.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The least API-key role a route needs. Declared once per route: the auth
     * plugin derives the onRequest check and the OpenAPI `security` from it.
     */
    role?: Role;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The secret of `Authorization: Bearer <secret>`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i);
  return match?.[1];
}

const HIGHER: Record<Role, string> = {
  viewer: ' (responder and admin keys qualify too)',
  responder: ' (admin keys qualify too)',
  admin: '',
};

/** What a route with `config.role` documents: bearer security, `x-klaxon-role`, and a sentence in its description. */
export function documentRole(schema: FastifySchema | undefined, role: Role): FastifySchema {
  const line = `Requires the ${role} role${HIGHER[role]}.`;
  const description = (schema as { description?: string } | undefined)?.description;
  return {
    ...schema,
    security: [{ bearerAuth: [] }],
    'x-klaxon-role': role,
    description: description ? `${description}\n\n${line}` : line,
  } as FastifySchema;
}

export default fp(
  async (app) => {
    app.decorateRequest('principal', undefined);
    const authorize = (role: Role): onRequestAsyncHookHandler => {
      return async (request) => {
        const secret = bearerToken(request.headers.authorization);
        const principal = secret ? await authenticate(app.db, secret) : undefined;
        if (!principal) {
          throw Errors.unauthenticated('Send an API key as "Authorization: Bearer <key>"');
        }
        if (!roleSatisfies(principal.role, role)) {
          throw Errors.forbidden(`This operation needs the ${role} role; the key has ${principal.role}`);
        }
        request.principal = principal;
      };
    };

    // Runs for the HEAD twin of a GET too, with the GET's original options: each gets its own check.
    app.addHook('onRoute', (route: RouteOptions) => {
      const role = route.config?.role;
      if (!role) return;
      route.onRequest = [authorize(role), ...[route.onRequest ?? []].flat()];
      // A new schema object: routes may share one (GET and POST of a heartbeat).
      route.schema = documentRole(route.schema, role);
    });
  },
  { name: 'auth', dependencies: ['database'] },
);
