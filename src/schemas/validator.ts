import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler } from 'fastify';

const INTEGER = /^-?\d+$/;

/**
 * TypeBox's compiler: bodies are validated exactly (no coercion), params and
 * query strings are converted from text. Conversion alone would read `limit=1.5`
 * or `limit=0x10` as an integer, so integer parameters must first look like one.
 */
export const validatorCompiler: FastifySchemaCompiler<any> = (route) => {
  const check = TypeBoxValidatorCompiler(route);
  if (route.httpPart === 'body') return check;
  const properties = (route.schema as { properties?: Record<string, { type?: string }> }).properties ?? {};
  const integers = Object.keys(properties).filter((k) => properties[k]?.type === 'integer');
  if (integers.length === 0) return check;
  return (value: unknown) => {
    const raw = value as Record<string, unknown>;
    const bad = integers.filter((k) => typeof raw?.[k] === 'string' && !INTEGER.test(raw[k] as string));
    if (bad.length > 0) {
      return { error: bad.map((k) => ({ instancePath: `/${k}`, message: 'must be an integer', keyword: 'type', params: {} })) as never };
    }
    return check(value);
  };
};
