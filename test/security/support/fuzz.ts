import fc from 'fast-check';
import type { OpenApiDoc, Schema } from './world.js';

/**
 * Bodies for the fuzzing suite: the route's valid body, completed with optional fields generated
 * from its OpenAPI schema, then mutated at random paths with hostile values (wrong types, nulls,
 * huge strings, deep nesting, prototype-pollution keys, unicode edge cases, extreme numbers).
 * A body is sent as JSON text we write ourselves, so that keys like `__proto__` reach the server.
 */

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261301);
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 30);

export function resolve(doc: OpenApiDoc, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) return resolve(doc, doc.components.schemas[schema.$ref.split('/').pop()!]);
  if (schema.allOf?.length === 1) return { ...resolve(doc, schema.allOf[0]), ...schema, allOf: undefined };
  return schema;
}

export function bodySchema(doc: OpenApiDoc, route: string): Schema | null {
  const [method, path] = route.split(' ');
  const op = doc.paths[path]?.[method.toLowerCase()];
  const content = op?.requestBody?.content;
  return content ? resolve(doc, Object.values(content)[0].schema) : null;
}

/** Values that look right to the schema (real ids from `ids`, enum members, lengths in range). */
export function valueOf(doc: OpenApiDoc, raw: Schema, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, raw);
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'string':
      if (s.format === 'uuid') return fc.oneof(fc.constantFrom(...ids), fc.uuid());
      if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (s.format === 'date') return fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      if (s.format === 'email') return fc.emailAddress();
      return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 50, 50), unit: 'grapheme' });
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 4 ? fc.constant([]) : fc.array(valueOf(doc, s.items ?? {}, ids, depth + 1), { maxLength: Math.min(s.maxItems ?? 3, 3) });
    case 'object':
    default:
      if (!s.properties || depth > 4) return fc.constant({});
      return fc.record(Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, valueOf(doc, v, ids, depth + 1)])), { requiredKeys: [] });
  }
}

/** JSON that only a hand-written text can carry: each is parsed, so `__proto__` is an own key. */
const PROTO_VALUES = [
  '{"__proto__":{"isAdmin":true,"roles":["platform_admin"]}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '{"prototype":{"polluted":true}}',
  '{"__proto__":null}',
].map((text) => JSON.parse(text) as unknown);

const deep = (levels: number, leaf: unknown = 1): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
};

/** Strings PostgreSQL, JSON, regexes or our validators may choke on. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\u202Eevil\u202C',
  '\u200B\u200C\u200D\uFEFF',
  'e\u0301'.repeat(2000),
  '🧨'.repeat(100),
  "'; DROP TABLE cases; --",
  '" OR 1=1 --',
  '%00',
  '\\',
  '$1',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  '0x10',
  '2026-02-30',
  '0000-00-00',
  '9999-12-31T23:59:59.999999999999Z',
  '00000000-0000-0000-0000-000000000000',
  'é'.repeat(300_000),
];

export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 2 ** 31, [], {}, [null], [[]], { '': '' }) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTO_VALUES) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(deep(1000), [deep(200)], Array.from({ length: 5000 }, () => 'x')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

export type Mutation = { path: string[]; value: unknown } | { path: string[]; remove: true } | { path: string[]; key: string; value: unknown };

/** Every path into a JSON value (objects and arrays), root included. */
export function pathsOf(v: unknown, prefix: string[] = []): string[][] {
  const out: string[][] = [prefix];
  if (v && typeof v === 'object' && prefix.length < 6) for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...prefix, k]));
  return out;
}

export function apply(body: unknown, m: Mutation): unknown {
  // A JSON round trip, not structuredClone: own `__proto__` keys must stay own keys.
  const copy = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  const parentPath = 'key' in m ? m.path : m.path.slice(0, -1);
  if (!('key' in m) && m.path.length === 0) return 'remove' in m ? undefined : m.value;
  let node = copy as Record<string, unknown>;
  for (const k of parentPath) {
    if (!node || typeof node !== 'object') return copy;
    node = node[k] as Record<string, unknown>;
  }
  if (!node || typeof node !== 'object') return copy;
  // defineProperty, never assignment: assigning to `__proto__` would set the prototype.
  const define = (key: string, value: unknown) => Object.defineProperty(node, key, { value, enumerable: true, configurable: true, writable: true });
  if ('key' in m) define(m.key, m.value);
  else if ('remove' in m) delete node[m.path.at(-1)!];
  else define(m.path.at(-1)!, m.value);
  return copy;
}

/** A random hostile request body for a route whose valid body is `base`. */
export function bodyArbitrary(doc: OpenApiDoc, schema: Schema | null, base: unknown, ids: string[]): fc.Arbitrary<{ body: unknown; mutations: Mutation[] }> {
  const start = schema ? valueOf(doc, schema, ids).map((extra) => (extra && typeof extra === 'object' && base && typeof base === 'object' ? { ...extra, ...base } : base)) : fc.constant(base ?? {});
  return start.chain((body) => {
    const paths = pathsOf(body);
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ path: fc.constantFrom(...paths), value: hostile }) },
      { weight: 1, arbitrary: fc.record({ path: fc.constantFrom(...paths.filter((p) => p.length > 0).concat([['__none__']])), remove: fc.constant(true as const) }) },
      { weight: 2, arbitrary: fc.record({ path: fc.constantFrom(...paths), key: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'x\u0000y', '🧨', ''), value: hostile }) },
    );
    return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => ({ body: mutations.reduce(apply, body), mutations }));
  });
}

/** JSON text of `body`, keeping own `__proto__` keys (JSON.stringify does). Undefined → no body. */
export const jsonText = (body: unknown): string | undefined => (body === undefined ? undefined : JSON.stringify(body));

/** What a mutation list looks like in a failure message, without megabytes of payload. */
export const describeMutations = (mutations: Mutation[]): string =>
  JSON.stringify(mutations, (_k, v) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 20)}…(${v.length} chars)` : v)).slice(0, 2000);
