import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';
import { parseTap } from './tap.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), 'utf8');

describe('TAP', () => {
  it("reads node's TAP reporter: nested subtests, YAML error, stack and location", () => {
    const failures = digestCheckOutput({
      check: 'test',
      output: fixture('node-test/tap.txt'),
      exitCode: 1,
      workdir: '/tmp/ampo-ci-digest-samples/node-test',
    });
    expect(failures).toMatchObject([
      {
        kind: 'test',
        test: 'total > multiplies price by quantity',
        file: 'test/cart.test.js',
        line: 11,
        message: 'AssertionError: Expected values to be strictly equal:\n2 !== 6',
      },
      {
        kind: 'test',
        test: 'parseQuantity > accepts a unit suffix',
        file: 'src/cart.js',
        line: 6,
        message: 'RangeError: not a quantity: 4x',
      },
      { kind: 'test', test: 'keeps the cart summary', file: 'test/cart.test.js', line: 22, message: expect.stringContaining("+     'b'") },
    ]);
    // The suites whose subtests failed are not failures of their own.
    expect(failures.map((failure) => failure.test)).not.toContain('total');
  });

  it("reads mocha's TAP reporter: indented message and stack, no YAML", () => {
    expect(digestCheckOutput({ check: 'test', output: fixture('mocha/tap.txt'), exitCode: 1 })).toMatchObject([
      { kind: 'test', test: 'keeps the cart summary', file: 'test/cart.spec.js', line: 21, message: expect.stringContaining('deep-equal') },
      {
        kind: 'test',
        test: 'total multiplies price by quantity',
        file: 'test/cart.spec.js',
        line: 10,
        message: 'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n2 !== 6',
      },
      {
        kind: 'test',
        test: 'parseQuantity accepts a unit suffix',
        file: 'src/cart.js',
        line: 6,
        message: 'RangeError: not a quantity: 4x',
      },
    ]);
  });

  it('skips TODO and SKIP points and reads tape-style `at` and `found` / `wanted`', () => {
    const tap = [
      'TAP version 13',
      'not ok 1 - parses dates # TODO not written yet',
      'not ok 2 - formats money # SKIP no locale',
      'not ok 3 - rounds totals',
      '  ---',
      '    operator: equal',
      '    expected: 3',
      '    actual:   2',
      '    at: Test.<anonymous> (/repo/test/round.js:7:5)',
      '  ...',
      '1..3',
    ].join('\n');
    expect(parseTap(tap)).toEqual([
      expect.objectContaining({
        test: 'rounds totals',
        file: '/repo/test/round.js',
        line: 7,
        message: expect.stringContaining('expected: 3'),
      }),
    ]);
  });
});
