import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';
import { parseVitest } from './vitest.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/vitest/${name}`, import.meta.url), 'utf8');
const digest = (name: string) =>
  digestCheckOutput({ check: 'test', output: fixture(name), exitCode: 1, workdir: '/tmp/ampo-ci-digest-samples/vitest' });

describe('vitest', () => {
  it('reads failed suites and failed tests with file, line, test name and the assertion', () => {
    expect(digest('default.txt')).toMatchObject([
      {
        check: 'test',
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
        message: expect.stringContaining("to deeply equal { items: 1, tags: [ 'a', 'c' ] }"),
      },
    ]);
    expect(digest('default.txt')[0]).not.toHaveProperty('test');
  });

  it('keeps the code frame and the diff in the excerpt, not the run summary', () => {
    const [, assertion] = digest('default.txt');
    expect(assertion?.logExcerpt).toContain("expect(total([{ name: 'pen', price: 2, quantity: 3 }])).toBe(6);");
    expect(assertion?.logExcerpt).toContain('- 6\n+ 2');
    expect(assertion?.logExcerpt).not.toContain('Test Files');
  });

  it('reads the coloured output exactly like the plain one', () => {
    const colour = fixture('color.txt');
    expect(colour).toContain('\u001b[');
    const strip = (failures: ReturnType<typeof digest>) => failures.map(({ logExcerpt: _excerpt, ...rest }) => rest);
    expect(strip(digest('color.txt'))).toEqual(strip(digest('default.txt')));
    expect(JSON.stringify(digest('color.txt'))).not.toContain('\u001b');
  });

  it('reads a file that failed to load as a build failure without a test', () => {
    const failures = digest('missing-module.txt');
    expect(failures).toMatchObject([{ kind: 'build', file: 'broken/checkout.test.ts', line: 2 }]);
    expect(failures[0]).not.toHaveProperty('test');
  });

  it('reads test timeouts and uncaught errors, naming the test vitest suspects', () => {
    expect(digest('unhandled-timeout.txt')).toMatchObject([
      {
        kind: 'test',
        test: 'waits for the stock service',
        file: 'flaky/stock.test.ts',
        line: 11,
        message: expect.stringContaining('Test timed out in 50ms'),
      },
      {
        kind: 'test',
        test: 'fires a late callback',
        file: 'flaky/stock.test.ts',
        line: 5,
        message: 'Uncaught Exception: Error: late callback failed',
      },
    ]);
  });

  it('finds nothing in output with no failure blocks', () => {
    expect(parseVitest(' RUN  v4.1.12 /repo\n\n ✓ test/a.test.ts (1 test) 2ms\n\n Test Files  1 passed (1)\n')).toEqual([]);
  });
});
