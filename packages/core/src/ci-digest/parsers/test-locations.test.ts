import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';
import { packageFolder } from './go-test.js';

const digest = (file: string, workdir: string, exitCode = 1) =>
  digestCheckOutput({
    check: 'test',
    output: readFileSync(new URL(`../__fixtures__/${file}`, import.meta.url), 'utf8'),
    exitCode,
    workdir: `/tmp/ampo-ci-digest-samples/${workdir}`,
  });

describe('a test that fails by an exception thrown in the code it tests', () => {
  it.each([
    ['jest/default.txt', 'jest', 'parseQuantity › accepts a unit suffix', 'src/cart.js', 6, 'test/cart.test.js', 15],
    ['vitest/throws.txt', 'vitest-stock', 'reserve > takes the last pens', 'src/stock.js', 5, 'test/stock.test.js', 10],
    ['node-test/spec.txt', 'node-test', 'parseQuantity > accepts a unit suffix', 'src/cart.js', 6, 'test/cart.test.js', 17],
    ['mocha/spec.txt', 'mocha', 'parseQuantity > accepts a unit suffix', 'src/cart.js', 6, 'test/cart.spec.js', 16],
    ['playwright/list.txt', 'playwright', 'reserve > takes the last pens', 'src/stock.js', 5, 'tests/stock.spec.js', 10],
    ['rspec/default.txt', 'rspec', 'Cart#quantity_of knows the ink', 'lib/cart.rb', 13, 'spec/cart_spec.rb', 16],
    ['phpunit/default.txt', 'phpunit', 'CartTest::testKnowsTheInk', 'src/Cart.php', 23, 'tests/CartTest.php', 23],
    [
      'unittest/default.txt',
      'python-shop',
      'tests.test_cart.QuantityTest.test_knows_the_ink',
      'shop/cart.py',
      19,
      'tests/test_cart.py',
      18,
    ],
    [
      'maven/full-trace.txt',
      'maven',
      'CartTest.knowsTheInk',
      'src/main/java/com/example/shop/Cart.java',
      23,
      'src/test/java/com/example/shop/CartTest.java',
      23,
    ],
  ])('%s names the first frame in the repository and the test’s own location', (file, workdir, test, at, line, testFile, testLine) => {
    expect(digest(file, workdir)).toContainEqual(expect.objectContaining({ kind: 'test', test, file: at, line, testFile, testLine }));
  });

  it('names only one place when the test itself failed', () => {
    const [assertion] = digest('jest/default.txt', 'jest');
    expect(assertion).toMatchObject({ file: 'test/cart.test.js', line: 9 });
    expect(assertion).not.toHaveProperty('testFile');
  });

  it('calls a test that could not reach a service infra, with the cause in the message', () => {
    expect(digest('vitest/throws.txt', 'vitest-stock')).toContainEqual(
      expect.objectContaining({
        kind: 'infra',
        test: 'asks the price service',
        message: 'TypeError: fetch failed\nCaused by: Error: connect ECONNREFUSED 127.0.0.1:59432',
      }),
    );
  });
});

describe('locations as the repository knows them', () => {
  it('places Go’s bare file names in the folder of the package that failed', () => {
    expect(digest('go-test/packages.txt', 'go-shop', 2)).toEqual([
      expect.objectContaining({ kind: 'lint', file: 'report/report.go', line: 6 }),
      expect.objectContaining({ kind: 'test', test: 'TestAddCents', file: 'money/money_test.go', line: 15 }),
    ]);
    expect(packageFolder('example.com/shop/money')).toBe('money');
    expect(packageFolder('github.com/acme/shop/internal/money')).toBe('internal/money');
    expect(packageFolder('example.com/cart')).toBe('');
    expect(packageFolder('shop/money')).toBe('money');
  });

  it('turns JVM frames into Maven source paths, in a report as in the console', () => {
    const report = digestCheckOutput({
      check: 'test',
      output: readFileSync(new URL('../__fixtures__/maven/TEST-com.example.shop.CartTest.xml', import.meta.url), 'utf8'),
      exitCode: 1,
    });
    expect(report.map((failure) => [failure.file, failure.line])).toEqual([
      ['src/test/java/com/example/shop/CartTest.java', 18],
      ['src/test/java/com/example/shop/CartTest.java', 23],
    ]);
  });

  it('reads mypy as type errors, plain or pretty, and a note alone as an info', () => {
    expect(digest('mypy/pretty.txt', 'python-shop')).toMatchObject([
      {
        kind: 'type',
        severity: 'error',
        file: 'shop/cart.py',
        line: 23,
        message: 'Incompatible return value type (got "int", expected "str") (return-value)',
      },
      { kind: 'type', severity: 'error', file: 'shop/cart.py', line: 27 },
      { kind: 'type', severity: 'error', file: 'shop/cart.py', line: 27 },
    ]);
    expect(
      digestCheckOutput({
        check: 'types',
        output: 'shop/cart.py:3: note: By default the bodies of untyped functions are not checked\n',
        exitCode: 1,
      }),
    ).toMatchObject([{ kind: 'type', severity: 'info', file: 'shop/cart.py', line: 3 }]);
  });
});
