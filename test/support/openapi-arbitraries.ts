/**
 * JSON Schema (as found in the OpenAPI document) → fast-check arbitraries: values the
 * schema accepts, and values built to break it (wrong types, missing or extra
 * properties, out-of-range numbers, huge strings, NUL, lone surrogates, …).
 *
 * Covers what the document uses: $ref to components, type (and type lists), enum,
 * const, format (uuid, date-time), min/max length, pattern, minimum/maximum,
 * anyOf/oneOf/allOf, properties/required/additionalProperties/propertyNames,
 * min/max properties, items/minItems/maxItems/uniqueItems.
 */
import fc from 'fast-check';
import type { JsonSchema } from './openapi.js';

export interface SchemaContext {
  /** Resolves a `$ref` such as `#/components/schemas/Problem`. */
  resolve(ref: string): JsonSchema;
}

/** Generated values stay small: bounds above these are only approached by the mutations. */
const MAX_STRING = 40;
const MAX_ITEMS = 3;
const MAX_EXTRA_KEYS = 3;
const MAX_DEPTH = 8;
const HUGE = 70_000;

export function contextFor(doc: { components: { schemas: Record<string, JsonSchema> } }): SchemaContext {
  return {
    resolve(ref) {
      const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
      const schema = name === undefined ? undefined : doc.components.schemas[decodeURIComponent(name)];
      if (!schema) throw new Error(`cannot resolve ${ref}`);
      return schema;
    },
  };
}

function deref(schema: JsonSchema, ctx: SchemaContext): JsonSchema {
  let s = schema;
  for (let i = 0; s.$ref && i < 10; i++) s = { ...ctx.resolve(s.$ref), ...withoutRef(s) };
  return s;
}

function withoutRef(schema: JsonSchema): JsonSchema {
  const { $ref: _ref, ...rest } = schema;
  return rest;
}

/** allOf of object schemas merged into one (how TypeBox intersections reach the document). */
function mergeAllOf(schema: JsonSchema, ctx: SchemaContext): JsonSchema {
  const { allOf, ...rest } = schema;
  const parts = (allOf as JsonSchema[]).map((p) => deref(p, ctx));
  return {
    ...rest,
    type: 'object',
    properties: Object.assign({}, ...parts.map((p) => p.properties ?? {}), rest.properties ?? {}),
    required: [...new Set(parts.flatMap((p) => p.required ?? []).concat(rest.required ?? []))],
  };
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date') {
    return fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  }
  if (schema.format === 'date-time') {
    return fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? MAX_STRING, minLength + MAX_STRING));
  // Mostly readable text, sometimes any well-formed Unicode (astral planes, combining marks, RTL).
  const text = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
  );
  const lengthOk = (s: string) => s.length >= minLength && s.length <= (schema.maxLength ?? Infinity);
  if (!schema.pattern) return text.filter(lengthOk);
  const re = new RegExp(schema.pattern, 'u');
  // Strings built from the pattern itself: random text almost never matches a strict one
  // (HH:MM, ^https?://) and filtering for it would never end. Where the pattern is permissive
  // (most say "no control characters"), random text keeps any Unicode in play too.
  const matching = fc.stringMatching(re).filter(lengthOk);
  const permissive = fc.sample(text, { numRuns: 20, seed: 1 }).filter((s) => re.test(s)).length >= 10;
  return permissive
    ? fc.oneof(
        matching,
        text.filter((s) => lengthOk(s) && re.test(s)),
      )
    : matching;
}

function integerArbitrary(schema: JsonSchema): fc.Arbitrary<number> {
  const min = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : (schema.minimum ?? -1_000_000);
  const max = schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : (schema.maximum ?? 1_000_000);
  const lo = Math.ceil(Math.max(min, Number.MIN_SAFE_INTEGER));
  const hi = Math.floor(Math.min(max, Number.MAX_SAFE_INTEGER));
  // Bounds are where off-by-one bugs live: give them a fair chance.
  return fc.oneof(fc.constantFrom(lo, hi), fc.bigInt({ min: BigInt(lo), max: BigInt(hi) }).map(Number));
}

function numberArbitrary(schema: JsonSchema): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1e9;
  const max = schema.maximum ?? 1e9;
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
}

function objectArbitrary(schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties: Record<string, JsonSchema> = schema.properties ?? {};
  const required: string[] = (schema.required ?? []).filter((k: string) => k in properties);
  const model = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, validValue(s, ctx, depth + 1)]));
  const known = fc.record(model, { requiredKeys: required });
  const extraSchema = schema.additionalProperties;
  let arb: fc.Arbitrary<Record<string, unknown>> = known;
  if (extraSchema && typeof extraSchema === 'object') {
    const names = schema.propertyNames ?? {};
    const maxKeys = Math.min(schema.maxProperties ?? MAX_EXTRA_KEYS, MAX_EXTRA_KEYS);
    const extra = fc.dictionary(stringArbitrary({ minLength: 1, ...names, type: 'string' }), validValue(extraSchema, ctx, depth + 1), {
      maxKeys,
    });
    arb = fc.tuple(extra, known).map(([e, k]) => ({ ...e, ...k }));
  }
  if (schema.minProperties) arb = arb.filter((o) => Object.keys(o).length >= schema.minProperties);
  if (schema.maxProperties !== undefined) arb = arb.filter((o) => Object.keys(o).length <= schema.maxProperties);
  return arb;
}

function arrayArbitrary(schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown[]> {
  const item = schema.items ? validValue(schema.items, ctx, depth + 1) : fc.jsonValue({ maxDepth: 1 });
  const minLength = schema.minItems ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? MAX_ITEMS, MAX_ITEMS));
  return schema.uniqueItems
    ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
    : fc.array(item, { minLength, maxLength });
}

/** Values `schema` accepts. */
export function validValue(schema: JsonSchema | boolean, ctx: SchemaContext, depth = 0): fc.Arbitrary<unknown> {
  if (schema === true || schema === undefined) return fc.jsonValue({ maxDepth: 1 });
  if (schema === false) throw new Error('no value satisfies the schema `false`');
  let s = deref(schema, ctx);
  if (s.allOf) s = mergeAllOf(s, ctx);
  if ('const' in s) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
  const branches = s.anyOf ?? s.oneOf;
  if (branches) return fc.oneof(...(branches as JsonSchema[]).map((b) => validValue({ ...withoutBranches(s), ...b }, ctx, depth)));
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((type: string) => validValue({ ...s, type }, ctx, depth)));
  if (depth > MAX_DEPTH) return fc.constant(s.type === 'array' ? [] : s.type === 'object' ? {} : null);
  switch (s.type) {
    case 'string':
      return stringArbitrary(s);
    case 'integer':
      return integerArbitrary(s);
    case 'number':
      return numberArbitrary(s);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return arrayArbitrary(s, ctx, depth);
    case 'object':
      return objectArbitrary(s, ctx, depth);
    default:
      return s.properties ? objectArbitrary(s, ctx, depth) : fc.jsonValue({ maxDepth: 2 });
  }
}

function withoutBranches(schema: JsonSchema): JsonSchema {
  const { anyOf: _a, oneOf: _o, description: _d, ...rest } = schema;
  return rest;
}

/** Strings that have broken parsers, databases and loggers before. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\udc00\ud800',
    '\u202eevil',
    '\ufeff',
    '\uffff',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    '0x10',
    '1e308',
    '-1',
    '9223372036854775808',
    'NaN',
    '../../etc/passwd',
    '%00',
    '%',
    '\\',
    '"',
    "'; drop table incidents; --",
    '<script>',
    '{{7*7}}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style probe, meant literally
    '${jndi:x}',
    '\r\nx-injected: 1',
    '🚨'.repeat(50),
    'é'.normalize('NFD'),
    '0001-01-01T00:00:00Z',
    '+275760-09-13T00:00:00.001Z',
    '-271821-04-20T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '9999-12-31T23:59:60Z',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('x', 'é', '\u0000', '\ud83d').map((c) => c.repeat(HUGE)),
);

/** Values of every JSON type that are out of range, of the wrong type, or hostile. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(1e308, -1e308, -1, 0, 1.5, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 2 ** 31, 5e-324, true, false, null),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>([], {}, [[[[]]]], { a: { b: { c: {} } } }, ['\u0000'], { '\u0000': 'x' }, { '\ud800': 'x' }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** Every path (list of keys) to a node inside a JSON value, the root included. */
function pathsOf(
  value: unknown,
  prefix: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) pathsOf(v, [...prefix, i], out);
  } else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

function setAt(value: unknown, path: Array<string | number>, replacement: unknown, remove = false): unknown {
  if (path.length === 0) return replacement;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  if (rest.length === 0 && remove) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head];
  } else copy[head] = setAt(copy[head], rest, replacement, remove);
  return copy;
}

/** Values from `values` with one node somewhere inside replaced, removed or joined by an extra key. */
export function mutated(values: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(values, fc.nat(), nastyValue, fc.constantFrom('replace', 'remove', 'extra')).map(([value, n, bad, how]) => {
    const paths = pathsOf(value);
    const path = paths[n % paths.length]!;
    if (how === 'remove' && path.length > 0) return setAt(value, path, undefined, true);
    if (how === 'extra') {
      const target = path.reduce<any>((v, k) => v?.[k], value);
      if (target && typeof target === 'object' && !Array.isArray(target)) return setAt(value, [...path, 'unexpectedField'], bad);
    }
    return setAt(value, path, bad);
  });
}

/** Values meant to break `schema` at its top level: wrong type, bounds, enum, required, extras. */
function shallowBreakage(schema: JsonSchema, ctx: SchemaContext): fc.Arbitrary<unknown>[] {
  const s = deref(schema, ctx);
  const out: fc.Arbitrary<unknown>[] = [nastyValue];
  if (s.enum) out.push(fc.constant('NOT_ONE_OF_THE_VALUES'));
  if (s.maxLength !== undefined) out.push(fc.constant('x'.repeat(s.maxLength + 1)));
  if (s.minLength) out.push(fc.constant(''));
  if (s.format === 'uuid')
    out.push(fc.constantFrom('00000000-0000-0000-0000-00000000000g', 'not-a-uuid', '00000000000000000000000000000000'));
  if (s.format === 'date-time') out.push(fc.constantFrom('2026-13-45T99:99:99Z', 'yesterday', '2026-01-01', '+275760-09-13T00:00:00.001Z'));
  if (s.type === 'integer' || s.type === 'number') {
    const edges: unknown[] = [1e308, -1e308, 2 ** 63, -(2 ** 63), 1.5, '1'];
    if (s.minimum !== undefined) edges.push(s.minimum - 1);
    if (s.maximum !== undefined) edges.push(s.maximum + 1);
    out.push(fc.constantFrom(...edges));
  }
  if (s.type === 'array' || s.items) {
    out.push(fc.constant({ not: 'an array' }));
    if (s.maxItems !== undefined && s.maxItems < 2000) {
      out.push(validValue(s.items ?? true, ctx).map((item) => Array.from({ length: s.maxItems + 1 }, () => item)));
    }
  }
  if (s.type === 'object' || s.properties) {
    out.push(fc.constantFrom([], 'a string', 42));
    for (const key of s.required ?? []) out.push(validValue(s, ctx).map((v) => setAt(v, [key], undefined, true)));
    if (s.additionalProperties === false) out.push(validValue(s, ctx).map((v) => ({ ...(v as object), unexpectedField: 1 })));
  }
  return out;
}

/** A valid value with one property or item replaced by a value that breaks its own schema. */
function nestedBreakage(schema: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown>[] {
  const s = deref(schema, ctx);
  const out: fc.Arbitrary<unknown>[] = [];
  for (const [key, property] of Object.entries<JsonSchema>(s.properties ?? {})) {
    out.push(fc.tuple(validValue(s, ctx), invalidValue(property, ctx, depth + 1)).map(([v, bad]) => ({ ...(v as object), [key]: bad })));
  }
  if (s.items) {
    out.push(
      fc.tuple(validValue(s, ctx), invalidValue(s.items, ctx, depth + 1), fc.nat()).map(([v, bad, n]) => {
        const items = [...(v as unknown[])];
        if (items.length === 0) return [bad];
        items[n % items.length] = bad;
        return items;
      }),
    );
  }
  return out;
}

/** Values meant to break `schema`, at the top or anywhere inside. Some may still be valid (a removed optional field). */
export function invalidValue(schema: JsonSchema, ctx: SchemaContext, depth = 0): fc.Arbitrary<unknown> {
  const nested = depth < 3 ? nestedBreakage(schema, ctx, depth) : [];
  return fc.oneof(...shallowBreakage(schema, ctx), ...nested, mutated(validValue(schema, ctx)));
}
