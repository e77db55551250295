// Whole requests for one operation of the OpenAPI document: bad path ids, bad query values and
// cursors, broken JSON bodies, raw bytes that are not JSON, and wrong content types.
import fc from 'fast-check';
import { broken, deeplyNested, nastyString, stringOfLength } from './json-arbitraries.js';
import type { Operation, Parameter } from './openapi-operations.js';
import type { RawRequest } from './paced-client.js';

/** The server's body limit (bytes) outside webhooks. */
export const bodyLimit = 1_048_576;

/** A path segment or query value, percent-encoded properly or not at all. */
const encodedValue = (text: fc.Arbitrary<string>) =>
  fc.oneof(
    { arbitrary: text.map((value) => encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '\uFFFD')).slice(0, 3_000)), weight: 4 },
    { arbitrary: fc.constantFrom('%', '%zz', '%00', '%2F', '..', '%2e%2e', '.', '%C0%AE', '%FF%FE', '+', '%20', '~'), weight: 2 },
    { arbitrary: fc.integer({ min: 200, max: 20_000 }).map((length) => 'x'.repeat(length)), weight: 1 },
  );

/** A query value for `parameter`: one that fits, or one of the ways clients get it wrong. */
const queryValue = (parameter: Parameter) => {
  const type = Array.isArray(parameter.schema.type) ? parameter.schema.type[0] : parameter.schema.type;
  const fits =
    type === 'integer' || type === 'number'
      ? fc.integer({ min: parameter.schema.minimum ?? 0, max: Math.min(parameter.schema.maximum ?? 100, 10_000) }).map(String)
      : parameter.schema.enum
        ? fc.constantFrom(...parameter.schema.enum.map(String))
        : fc.string({ minLength: 1, maxLength: 20 });
  return fc.oneof(
    { arbitrary: fits.map(encodeURIComponent), weight: 3 },
    {
      arbitrary: fc.constantFrom(
        '',
        '-1',
        '0',
        '1.5',
        '1e309',
        'NaN',
        'Infinity',
        '0x10',
        '9007199254740993',
        'abc',
        'true',
        '[]',
        '{}',
        'a=b',
        'a,b,,c',
      ),
      weight: 3,
    },
    { arbitrary: encodedValue(nastyString()), weight: 3 },
  );
};

const pathFor = (operation: Operation) =>
  fc.tuple(...operation.parameters.filter((parameter) => parameter.in === 'path').map(() => encodedValue(nastyString()))).map((values) => {
    let index = 0;
    return operation.path.replace(/\{[^}]+\}/g, () => values[index++] || 'x');
  });

const queryFor = (operation: Operation) => {
  const parameters = operation.parameters.filter((parameter) => parameter.in === 'query');
  const pairs = fc.array(
    fc.oneof(
      ...(parameters.length > 0
        ? [
            {
              arbitrary: fc
                .tuple(fc.constantFrom(...parameters), fc.nat())
                .chain(([parameter]) => queryValue(parameter).map((value) => `${parameter.name}=${value}`)),
              weight: 6,
            },
          ]
        : []),
      {
        arbitrary: fc.constantFrom('unknown=1', 'cursor=%FF', 'after=-5', 'limit=100000', 'a', '=', '&&', 'ticket=x', '__proto__[x]=1'),
        weight: 2,
      },
      { arbitrary: encodedValue(nastyString()).map((value) => `${value}=${value}`), weight: 1 },
    ),
    { maxLength: 5 },
  );
  return pairs.map((list) => (list.length > 0 ? `?${list.join('&')}` : ''));
};

const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/json;;;',
      'application/problem+json',
      'application/jsonx',
      '*/*',
      'garbage',
    ),
    weight: 2,
  },
);

/** Bodies that are not JSON, or not the JSON a parser expects. */
const rawBody = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '{"a":',
    'null',
    '[]',
    '"string"',
    '\uFEFF{}',
    '{"a":1}{"b":2}',
    '{"__proto__":{"polluted":true}}',
    'undefined',
    'NaN',
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer({ min: 1_000, max: 200_000 }).map((depth) => '['.repeat(depth)),
  fc.integer({ min: 1_000, max: 100_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);

const serialise = (value: unknown) => {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    // BigInts, cycles, nesting deeper than this process's stack: send something else that is not JSON.
    return '{"unserialisable":';
  }
};

/** Requests for `operation`, with `headers` (the credential) on every one. */
export const requestsFor = (
  operation: Operation,
  headers: Record<string, string>,
  options: { huge: boolean },
): fc.Arbitrary<RawRequest> => {
  const takesBody = operation.method !== 'GET' && operation.method !== 'HEAD';
  const body: fc.Arbitrary<string | Buffer | undefined> = !takesBody
    ? fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary: fc.constant('{"unexpected":"body"}'), weight: 1 })
    : fc.oneof(
        { arbitrary: broken(operation.body ?? { type: 'object' }, { huge: options.huge }).map(serialise), weight: 35 },
        { arbitrary: rawBody, weight: 10 },
        { arbitrary: deeplyNested.map(serialise), weight: 5 },
        { arbitrary: fc.constant(undefined), weight: 5 },
        ...(options.huge
          ? [
              {
                arbitrary: fc
                  .constantFrom(bodyLimit - 50, bodyLimit + 1, 3 * bodyLimit)
                  .chain((length) => stringOfLength(length))
                  .map((text) => `{"text":"${text}"}`),
                weight: 1,
              },
            ]
          : []),
      );
  const extraHeaders = fc.oneof(
    { arbitrary: fc.constant({}), weight: 8 },
    {
      arbitrary: fc.record({
        'idempotency-key': fc
          .oneof(fc.string({ unit: 'binary-ascii', maxLength: 300 }), fc.constantFrom('', ' ', 'a b', 'é'))
          .map((key) => key.replace(/[^\t\x20-\x7e\x80-\xff]/g, '')),
      }),
      weight: 2,
    },
  );
  return fc.tuple(pathFor(operation), queryFor(operation), body, contentType, extraHeaders).map(([path, query, payload, type, extra]) => ({
    method: operation.method,
    path: `${path}${query}`,
    headers: { ...headers, ...(payload !== undefined && type ? { 'content-type': type } : {}), ...extra },
    ...(payload !== undefined ? { body: payload } : {}),
  }));
};

/** True when the body is over the limit, so a reset connection is the limit doing its job. */
export const overLimit = (request: RawRequest) => request.body !== undefined && Buffer.byteLength(request.body) > bodyLimit;
