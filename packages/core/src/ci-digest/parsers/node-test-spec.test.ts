import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';
import { parseNodeTestSpec } from './node-test-spec.js';

const spec = readFileSync(new URL('../__fixtures__/node-test/spec.txt', import.meta.url), 'utf8');
const workdir = '/tmp/ampo-ci-digest-samples/node-test';

describe('node --test, spec reporter', () => {
  it('reads failed tests with their suite path, the first user frame and the assertion', () => {
    expect(digestCheckOutput({ check: 'test', output: spec, exitCode: 1, workdir })).toMatchObject([
      {
        kind: 'test',
        test: 'total > multiplies price by quantity',
        file: 'test/cart.test.js',
        line: 11,
        message: 'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n2 !== 6',
      },
      {
        kind: 'test',
        test: 'parseQuantity > accepts a unit suffix',
        file: 'src/cart.js',
        line: 6,
        message: 'RangeError [Error]: not a quantity: 4x',
      },
      {
        kind: 'test',
        test: 'keeps the cart summary',
        file: 'test/cart.test.js',
        line: 22,
        message: "AssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal:\n+     'b'\n-     'c'",
      },
    ]);
  });

  it('leaves the `{ code, actual, expected }` dump out of the excerpt', () => {
    const [first] = parseNodeTestSpec(spec);
    expect(first?.logExcerpt).toContain('2 !== 6');
    expect(first?.logExcerpt).not.toContain('generatedMessage');
  });

  it('reads the failing-tests summary alone when the tail is all that is left', () => {
    const tail = spec.slice(spec.indexOf('✖ failing tests:'));
    expect(parseNodeTestSpec(tail)).toMatchObject([
      { test: 'multiplies price by quantity', file: `${workdir}/test/cart.test.js`, line: 11, message: expect.stringContaining('2 !== 6') },
      { test: 'accepts a unit suffix', file: `${workdir}/src/cart.js`, line: 6 },
      { test: 'keeps the cart summary', file: `${workdir}/test/cart.test.js`, line: 22 },
    ]);
  });
});
