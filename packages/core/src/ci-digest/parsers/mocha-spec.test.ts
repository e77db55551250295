import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';

const spec = readFileSync(new URL('../__fixtures__/mocha/spec.txt', import.meta.url), 'utf8');

describe('mocha, spec reporter', () => {
  it('reads the numbered failure blocks with multi-line titles, frames and assertion', () => {
    expect(digestCheckOutput({ check: 'test', output: spec, exitCode: 1 })).toMatchObject([
      {
        kind: 'test',
        test: 'keeps the cart summary',
        file: 'test/cart.spec.js',
        line: 21,
        message: "AssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal:\n+     'b'\n-     'c'",
      },
      {
        kind: 'test',
        test: 'total > multiplies price by quantity',
        file: 'test/cart.spec.js',
        line: 10,
        message: expect.stringMatching(/^AssertionError \[ERR_ASSERTION\]: Expected values to be strictly equal:\n2 !== 6/),
      },
      {
        kind: 'test',
        test: 'parseQuantity > accepts a unit suffix',
        file: 'src/cart.js',
        line: 6,
        message: 'RangeError: not a quantity: 4x',
      },
    ]);
  });
});
