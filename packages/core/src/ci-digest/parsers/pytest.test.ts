import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';
import { parsePytest } from './pytest.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/pytest/${name}`, import.meta.url), 'utf8');

describe('pytest', () => {
  it('reads FAILURES and ERRORS blocks, named by node id, at the innermost frame', () => {
    expect(digestCheckOutput({ check: 'pytest', output: fixture('default.txt'), exitCode: 1 })).toMatchObject([
      {
        kind: 'test',
        test: 'test_cart.py::test_uses_catalogue',
        file: 'test_cart.py',
        line: 24,
        message: 'RuntimeError: catalogue service unavailable',
      },
      {
        kind: 'test',
        test: 'test_cart.py::test_multiplies_price_by_quantity',
        file: 'test_cart.py',
        line: 11,
        message: expect.stringMatching(/^AssertionError: assert 2 == 6\n\+ {2}where 2 = total/),
      },
      {
        kind: 'test',
        test: 'test_cart.py::TestParseQuantity::test_accepts_a_unit_suffix',
        file: 'cart.py',
        line: 8,
        message: 'ValueError: not a quantity: 4x',
      },
    ]);
  });

  it('reads a collection error as a build failure at the import', () => {
    const failures = digestCheckOutput({ check: 'pytest', output: fixture('collection-error.txt'), exitCode: 2 });
    expect(failures).toMatchObject([
      { kind: 'build', file: 'broken/test_checkout.py', line: 1, message: "ModuleNotFoundError: No module named 'checkout'" },
    ]);
    expect(failures[0]).not.toHaveProperty('test');
  });

  it('falls back to the short test summary when the blocks were cut off', () => {
    const text = fixture('default.txt');
    const summaryOnly = text.slice(text.indexOf('=== short test summary info'));
    expect(parsePytest(summaryOnly)).toMatchObject([
      { kind: 'test', test: 'test_cart.py::test_multiplies_price_by_quantity', file: 'test_cart.py', message: 'AssertionError: asse…' },
      { kind: 'test', test: 'test_cart.py::TestParseQuantity::test_accepts_a_unit_suffix', file: 'test_cart.py' },
      { kind: 'test', test: 'test_cart.py::test_uses_catalogue', file: 'test_cart.py' },
    ]);
  });
});
