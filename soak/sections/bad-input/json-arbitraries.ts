// fast-check arbitraries for JSON values, driven by a JSON Schema: a value that fits it, and that
// value broken in the ways clients break it (wrong types, missing and extra fields, huge strings,
// unicode and NUL, deep nesting).
import fc from 'fast-check';
import type { JsonSchema } from './openapi-operations.js';

/** Strings that have broken parsers, paths, databases and terminals before. */
const notorious = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF\uD800',
  '\uFEFF',
  '\u202Egnp.exe',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗̟',
  '👩‍👩‍👧‍👦',
  '../../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2f',
  '%00',
  "'; DROP TABLE tasks; --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style lookup, sent as text on purpose
  '${jndi:ldap://127.0.0.1/a}',
  '{{constructor.constructor("return process")()}}',
  '__proto__',
  'constructor',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '\r\nX-Injected: 1',
  '<script>alert(1)</script>',
];

/** A string of `length` characters, cheap to build at any size. */
export const stringOfLength = (length: number) =>
  fc.constantFrom('a', 'é', '\u0000', '😀').map((unit) => unit.repeat(Math.ceil(length / unit.length)));

export const nastyString = (options: { huge?: boolean } = {}): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.string({ unit: 'binary', maxLength: 64 }), weight: 4 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 64 }), weight: 3 },
    { arbitrary: fc.constantFrom(...notorious), weight: 4 },
    { arbitrary: fc.integer({ min: 100, max: 120_000 }).chain((length) => stringOfLength(length)), weight: 1 },
    ...(options.huge ? [{ arbitrary: fc.constantFrom(1_048_576 - 100, 1_048_576 + 10).chain(stringOfLength), weight: 1 }] : []),
  );

/** Arrays and objects nested `depth` deep. */
export const deeplyNested = fc.tuple(fc.integer({ min: 50, max: 1_000 }), fc.boolean()).map(([depth, objects]) => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = objects ? { a: value } : [value];
  return value;
});

const wrongTyped: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, -0, [], {}, [null], { '': '' }),
  fc.double(),
  fc.integer(),
  nastyString(),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
);

const typesOf = (schema: JsonSchema): string[] => (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []);

/** A value that fits `schema` (as far as these generators understand it). */
export const fitting = (schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> => {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) return fc.oneof(...alternatives.map((inner) => fitting(inner, depth + 1)));
  const [type] = typesOf(schema);
  switch (type) {
    case 'string':
      return fc.string({ minLength: schema.minLength ?? 1, maxLength: Math.min(schema.maxLength ?? 40, 40) });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1000, 1_000_000) });
    case 'number':
      return fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 4 ? fc.constant([]) : fc.array(fitting(schema.items ?? {}, depth + 1), { maxLength: 3 });
    case 'object': {
      if (depth > 4) return fc.constant({});
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const entries = Object.entries(properties).map(
        ([key, inner]) =>
          [key, required.has(key) ? fitting(inner, depth + 1) : fc.option(fitting(inner, depth + 1), { nil: undefined })] as const,
      );
      const record = fc
        .record(Object.fromEntries(entries))
        .map((value) => Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined)));
      return typeof schema.additionalProperties === 'object'
        ? fc
            .tuple(record, fc.dictionary(fc.string({ maxLength: 10 }), fitting(schema.additionalProperties, depth + 1), { maxKeys: 3 }))
            .map(([known, extra]) => ({ ...extra, ...known }))
        : record;
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
};

/** Sets `path` (property names) in a copy of `value` to `replacement`, or deletes it when `replacement` is `deleted`. */
const deleted = Symbol('deleted');
const withAt = (value: unknown, path: string[], replacement: unknown): unknown => {
  if (path.length === 0) return replacement;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const [key, ...rest] = path as [string, ...string[]];
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const inner = withAt(copy[key], rest, replacement);
  if (inner === deleted) delete copy[key];
  else copy[key] = inner;
  return copy;
};

/** Property paths of `schema`, two levels deep. */
const pathsOf = (schema: JsonSchema, prefix: string[] = [], depth = 0): string[][] =>
  Object.entries(schema.properties ?? {}).flatMap(([key, inner]) => [
    [...prefix, key],
    ...(depth < 1 ? pathsOf(inner, [...prefix, key], depth + 1) : []),
  ]);

/** A fitting value broken in one way (sometimes a fitting one, to reach the handler). */
export const broken = (schema: JsonSchema, options: { huge?: boolean } = {}): fc.Arbitrary<unknown> => {
  const paths = pathsOf(schema);
  const base = fitting(schema);
  const at = paths.length > 0 ? fc.constantFrom(...paths) : fc.constant([] as string[]);
  return fc.oneof(
    { arbitrary: base, weight: 2 },
    { arbitrary: fc.tuple(base, at).map(([value, path]) => withAt(value, path, deleted)), weight: 2 },
    { arbitrary: fc.tuple(base, at, wrongTyped).map(([value, path, wrong]) => withAt(value, path, wrong)), weight: 4 },
    { arbitrary: fc.tuple(base, at, nastyString(options)).map(([value, path, text]) => withAt(value, path, text)), weight: 4 },
    { arbitrary: fc.tuple(base, at, deeplyNested).map(([value, path, nested]) => withAt(value, path, nested)), weight: 1 },
    {
      arbitrary: fc
        .tuple(
          base,
          fc.oneof(fc.constantFrom('__proto__', 'constructor', 'extra', ''), fc.string({ maxLength: 20 })),
          fc.jsonValue({ maxDepth: 2 }),
        )
        .map(([value, key, extra]) => (typeof value === 'object' && value !== null ? { ...value, [key]: extra } : value)),
      weight: 2,
    },
    { arbitrary: fc.anything({ maxDepth: 3 }), weight: 2 },
    { arbitrary: deeplyNested, weight: 1 },
  );
};
