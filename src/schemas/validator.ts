import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';

const INTEGER = /^-?\d+$/;

/** Why a parameter's text is no usable integer, or undefined when it is one. */
function integerProblem(text: string): string | undefined {
  if (!INTEGER.test(text)) return 'must be an integer';
  // Beyond 2^53 a number is no longer exact (and beyond 1e21 prints with an exponent),
  // so it could not be compared with a bigint column: refuse it here, not as a 500 later.
  if (!Number.isSafeInteger(Number(text))) return `must be between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`;
  return undefined;
}

/**
 * TypeBox's compiler: bodies are validated exactly (no coercion; an absent body as `{}`), params and
 * query strings are converted from text. Conversion alone would read `limit=1.5`
 * or `limit=0x10` as an integer, so integer parameters must first look like one,
 * and one a JS number holds exactly. And no parameter may hold a NUL (PostgreSQL text
 * cannot), as the JSON body parser refuses it in bodies.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const check = TypeBoxValidatorCompiler(route);
  if (route.httpPart === 'body') {
    // No body at all reads as `{}`: an action whose fields are all optional (acknowledge, rotate-key)
    // may be sent bare; a body with required fields still gets its 400.
    return (value: unknown) => (value === undefined || value === null ? check({}) : check(value));
  }
  const properties = (route.schema as { properties?: Record<string, { type?: string }> }).properties ?? {};
  const integers = new Set(Object.keys(properties).filter((k) => properties[k]?.type === 'integer'));
  return (value: unknown) => {
    const raw = (value ?? {}) as Record<string, unknown>;
    const bad = Object.keys(raw).flatMap((k) => {
      const text = raw[k];
      // A repeated query parameter arrives as a list of strings.
      if (Array.isArray(text) && text.some((v) => typeof v === 'string' && v.includes('\u0000'))) {
        return [{ instancePath: `/${k}`, message: 'must not contain NUL characters', keyword: 'type', params: {} }];
      }
      if (typeof text !== 'string') return [];
      const message = text.includes('\u0000') ? 'must not contain NUL characters' : integers.has(k) ? integerProblem(text) : undefined;
      return message === undefined ? [] : [{ instancePath: `/${k}`, message, keyword: 'type', params: {} }];
    });
    if (bad.length > 0) return { error: bad as never };
    return check(value);
  };
};
