import fp from 'fastify-plugin';
import type { onRequestAsyncHookHandler } from 'fastify';
import { authenticate, roleSatisfies, type Principal } from '../auth/api-keys.js';
import { Errors } from '../errors.js';
import type { Role } from '../schemas/api-keys.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook admitting only API keys with at least `role`. */
    authorize(role: Role): onRequestAsyncHookHandler;
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

export default fp(
  async (app) => {
    app.decorateRequest('principal', undefined);
    app.decorate('authorize', (role: Role): onRequestAsyncHookHandler => {
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
    });
  },
  { name: 'auth', dependencies: ['database'] },
);
