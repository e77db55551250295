import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';
import { parseJunitXml } from './junit-xml.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/junit/${name}`, import.meta.url), 'utf8');

describe('JUnit XML', () => {
  it("reads vitest's junit reporter", () => {
    const failures = digestCheckOutput({ check: 'test', output: fixture('vitest.xml'), exitCode: 1 });
    expect(failures).toMatchObject([
      {
        kind: 'build',
        file: 'broken/checkout.test.ts',
        line: 2,
        message: expect.stringContaining("Cannot find module '../src/checkout.js'"),
      },
      {
        kind: 'test',
        test: 'total > multiplies price by quantity',
        file: 'test/cart.test.ts',
        line: 10,
        message: 'AssertionError: expected 2 to be 6 // Object.is equality',
      },
      {
        kind: 'test',
        test: 'parseQuantity > accepts a unit suffix',
        file: 'test/cart.test.ts',
        line: 20,
        message: 'RangeError: not a quantity: 4x',
      },
      {
        kind: 'test',
        test: 'keeps the cart summary',
        file: 'test/cart.test.ts',
        line: 25,
        message: expect.stringContaining("tags: [ 'a', 'c' ]"),
      },
    ]);
    expect(failures[0]).not.toHaveProperty('test');
  });

  it("reads pytest's --junitxml, entities decoded", () => {
    expect(digestCheckOutput({ check: 'test', output: fixture('pytest.xml'), exitCode: 1 })).toMatchObject([
      {
        kind: 'test',
        test: 'test_cart.test_multiplies_price_by_quantity',
        file: 'test_cart.py',
        line: 11,
        message: "AssertionError: assert 2 == 6\n+  where 2 = total([{'name': 'pen', 'price': 2, 'quantity': 3}])",
      },
      {
        kind: 'test',
        test: 'test_cart.TestParseQuantity.test_accepts_a_unit_suffix',
        file: 'cart.py',
        line: 8,
        message: 'ValueError: not a quantity: 4x',
      },
      {
        kind: 'test',
        test: 'test_cart.test_uses_catalogue',
        file: 'test_cart.py',
        line: 24,
        message: 'failed on setup with "RuntimeError: catalogue service unavailable"',
      },
    ]);
  });

  it('reads a report cut short and one embedded in a log', () => {
    const xml = fixture('vitest.xml');
    const cut = xml.slice(0, xml.indexOf('name="keeps the cart summary"'));
    expect(parseJunitXml(cut).map((failure) => failure.test)).toEqual([
      undefined,
      'total > multiplies price by quantity',
      'parseQuantity > accepts a unit suffix',
    ]);
    expect(parseJunitXml(`npm test\n> vitest run --reporter=junit\n${xml}\nnpm error Test failed.`)).toHaveLength(4);
  });

  it('reads a large report whole: its failures may come first, unlike in a log', () => {
    const xml = fixture('vitest.xml');
    const passing = Array.from(
      { length: 20_000 },
      (_, index) => `<testcase classname="test/more.test.ts" name="passes ${index}" time="0"></testcase>`,
    );
    const large = xml.replace('</testsuites>', `<testsuite name="test/more.test.ts">${passing.join('\n')}</testsuite></testsuites>`);
    expect(large.length).toBeGreaterThan(1_000_000);
    expect(digestCheckOutput({ check: 'test', output: large, exitCode: 1 })).toHaveLength(4);
  });
});
