import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CiFailure } from '../domain/ci.js';
import { formatFeedback } from '../feedback/format-feedback.js';
import { byteLength } from '../feedback/text.js';
import { readCorpus } from './__fixtures__/corpus.js';
import { digestOf, digestRow, renderDigestTable } from './__fixtures__/digest-table.js';

/**
 * The whole corpus in one table: for each fixture (the real output of a real tool, see each
 * folder's README), what the digest must name, failure by failure: `kind[ severity] | file:line[
 * (test at file:line)] | test`. Paths are the repository's: the fixture's sample directory is the
 * workdir, as a check's checkout is.
 */
const expected: Record<string, string[]> = {
  'biome/check.txt': ['lint error | src/app.js:11 |', 'lint error | src/app.js |', 'lint warning | src/app.js:4 |'],
  'biome/github.txt': ['lint error | src/app.js:11 |', 'lint error | src/app.js:1 |', 'lint warning | src/app.js:4 |'],
  'biome/lint.txt': ['lint error | src/app.js:11 |', 'lint warning | src/app.js:4 |'],
  'cargo-test/compile-error.txt': ['build | src/lib.rs:3 |'],
  'cargo-test/default.txt': [
    'test | src/lib.rs:36 | tests::keeps_the_cart_summary',
    'test | src/lib.rs:12 | tests::accepts_a_unit_suffix',
    'test | src/lib.rs:26 | tests::multiplies_price_by_quantity',
  ],
  'cargo-test/quiet-backtrace.txt': [
    'test | src/lib.rs:12 | tests::accepts_a_unit_suffix',
    'test | src/lib.rs:36 | tests::keeps_the_cart_summary',
    'test | src/lib.rs:26 | tests::multiplies_price_by_quantity',
  ],
  'esbuild/bundle.txt': ['build | src/index.ts:2 |', 'build | src/format.ts:5 |'],
  'eslint/stylish.txt': [
    'lint error | src/app.js:4 |',
    'lint error | src/app.js:7 |',
    'lint error | src/app.js:8 |',
    'lint error | src/app.js:11 |',
    'lint warning | src/app.js:6 |',
  ],
  'eslint/unix.txt': [
    'lint error | src/app.js:4 |',
    'lint error | src/app.js:7 |',
    'lint error | src/app.js:8 |',
    'lint error | src/app.js:11 |',
    'lint warning | src/app.js:6 |',
  ],
  'generic/cannot-find-module.txt': ['build |  |'],
  'generic/command-not-found.txt': ['build |  |'],
  'generic/github-actions-steps.txt': [
    'lint error | /tmp/ampo-ci-digest-samples/eslint/src/app.js:4 |',
    'lint error | /tmp/ampo-ci-digest-samples/eslint/src/app.js:7 |',
    'lint error | /tmp/ampo-ci-digest-samples/eslint/src/app.js:8 |',
    'lint error | /tmp/ampo-ci-digest-samples/eslint/src/app.js:11 |',
    'lint warning | /tmp/ampo-ci-digest-samples/eslint/src/app.js:6 |',
    'build | broken/checkout.test.ts:2 |',
    'test | test/cart.test.ts:10 | total > multiplies price by quantity',
    'test | test/cart.test.ts:20 | parseQuantity > accepts a unit suffix',
    'test | test/cart.test.ts:25 | keeps the cart summary',
  ],
  'generic/github-actions.txt': ['build |  |', 'build |  |'],
  'generic/npm-missing-script.txt': ['build |  |'],
  'generic/oom.txt': ['infra |  |'],
  'go-test/compile-error.txt': ['build | broken/broken.go:4 |'],
  'go-test/default.txt': ['test | cart_test.go:15 | TestTotal/multiplies_price_by_quantity', 'test | cart.go:23 | TestParseQuantity'],
  'go-test/packages.txt': ['lint | report/report.go:6 |', 'test | money/money_test.go:15 | TestAddCents'],
  'go-test/verbose.txt': ['test | cart_test.go:15 | TestTotal/multiplies_price_by_quantity', 'test | cart.go:23 | TestParseQuantity'],
  'go-vet/default.txt': ['lint | report/report.go:6 |'],
  'infra/npm-dns.txt': ['infra |  |'],
  'infra/npm-registry-503.txt': ['infra |  |'],
  'infra/oom-killed.txt': ['infra |  |'],
  'infra/pg-isready.txt': ['infra |  |'],
  'infra/psql-refused.txt': ['infra |  |'],
  'infra/timeout.txt': ['infra |  |'],
  'infra/wait-on.txt': ['infra |  |'],
  'jest/color.txt': [
    'test | test/cart.test.js:9 | total › multiplies price by quantity',
    'test | src/cart.js:6 (test at test/cart.test.js:15) | parseQuantity › accepts a unit suffix',
    'test | test/cart.test.js:20 | keeps the cart summary',
    'build | test/checkout.test.js:1 |',
  ],
  'jest/default.txt': [
    'test | test/cart.test.js:9 | total › multiplies price by quantity',
    'test | src/cart.js:6 (test at test/cart.test.js:15) | parseQuantity › accepts a unit suffix',
    'test | test/cart.test.js:20 | keeps the cart summary',
    'build | test/checkout.test.js:1 |',
  ],
  'junit/pytest.xml': [
    'test | test_cart.py:11 | test_cart.test_multiplies_price_by_quantity',
    'test | cart.py:8 (test at test_cart.py:19) | test_cart.TestParseQuantity.test_accepts_a_unit_suffix',
    'test | test_cart.py:24 | test_cart.test_uses_catalogue',
  ],
  'junit/vitest.xml': [
    'build | broken/checkout.test.ts:2 |',
    'test | test/cart.test.ts:10 | total > multiplies price by quantity',
    'test | test/cart.test.ts:20 | parseQuantity > accepts a unit suffix',
    'test | test/cart.test.ts:25 | keeps the cart summary',
  ],
  'maven/TEST-com.example.shop.CartTest.xml': [
    'test | src/test/java/com/example/shop/CartTest.java:18 | com.example.shop.CartTest.multipliesPriceByQuantity',
    'test | src/test/java/com/example/shop/CartTest.java:23 | com.example.shop.CartTest.knowsTheInk',
  ],
  'maven/compile-error.txt': ['build | src/main/java/com/example/shop/Cart.java:16 |'],
  'maven/full-trace.txt': [
    'test | src/test/java/com/example/shop/CartTest.java:18 | CartTest.multipliesPriceByQuantity',
    'test | src/main/java/com/example/shop/Cart.java:23 (test at src/test/java/com/example/shop/CartTest.java:23) | CartTest.knowsTheInk',
  ],
  'maven/surefire.txt': [
    'test | src/test/java/com/example/shop/CartTest.java:18 | CartTest.multipliesPriceByQuantity',
    'test | src/test/java/com/example/shop/CartTest.java:23 | CartTest.knowsTheInk',
  ],
  'mocha/spec.txt': [
    'test | test/cart.spec.js:21 | keeps the cart summary',
    'test | test/cart.spec.js:10 | total > multiplies price by quantity',
    'test | src/cart.js:6 (test at test/cart.spec.js:16) | parseQuantity > accepts a unit suffix',
  ],
  'mocha/tap.txt': [
    'test | test/cart.spec.js:21 | keeps the cart summary',
    'test | test/cart.spec.js:10 | total multiplies price by quantity',
    'test | src/cart.js:6 (test at test/cart.spec.js:16) | parseQuantity accepts a unit suffix',
  ],
  'mypy/pretty.txt': ['type error | shop/cart.py:23 |', 'type error | shop/cart.py:27 |', 'type error | shop/cart.py:27 |'],
  'mypy/strict.txt': ['type error | shop/cart.py:23 |', 'type error | shop/cart.py:27 |', 'type error | shop/cart.py:27 |'],
  'node-test/spec.txt': [
    'test | test/cart.test.js:11 | total > multiplies price by quantity',
    'test | src/cart.js:6 (test at test/cart.test.js:17) | parseQuantity > accepts a unit suffix',
    'test | test/cart.test.js:22 | keeps the cart summary',
  ],
  'node-test/tap.txt': [
    'test | test/cart.test.js:11 | total > multiplies price by quantity',
    'test | src/cart.js:6 (test at test/cart.test.js:17) | parseQuantity > accepts a unit suffix',
    'test | test/cart.test.js:22 | keeps the cart summary',
  ],
  'phpunit/default.txt': [
    'test | src/Cart.php:23 (test at tests/CartTest.php:23) | CartTest::testKnowsTheInk',
    'test | tests/CartTest.php:17 | CartTest::testMultipliesPriceByQuantity',
  ],
  'playwright/line.txt': [
    'test | src/stock.js:5 (test at tests/stock.spec.js:10) | reserve > takes the last pens',
    'test | tests/stock.spec.js:14 | reserve > counts the ink',
  ],
  'playwright/list.txt': [
    'test | src/stock.js:5 (test at tests/stock.spec.js:10) | reserve > takes the last pens',
    'test | tests/stock.spec.js:14 | reserve > counts the ink',
  ],
  'pytest/collection-error.txt': ['build | broken/test_checkout.py:1 |'],
  'pytest/default.txt': [
    'test | test_cart.py:24 | test_cart.py::test_uses_catalogue',
    'test | test_cart.py:11 | test_cart.py::test_multiplies_price_by_quantity',
    'test | cart.py:8 (test at test_cart.py:19) | test_cart.py::TestParseQuantity::test_accepts_a_unit_suffix',
  ],
  'rollup/syntax-error.txt': ['build | src/format.js:3 |'],
  'rollup/unresolved-import.txt': ['build | src/index.js |'],
  'rspec/default.txt': [
    'test | spec/cart_spec.rb:11 | Cart multiplies price by quantity',
    'test | lib/cart.rb:13 (test at spec/cart_spec.rb:16) | Cart#quantity_of knows the ink',
  ],
  'trx/jest.trx': [
    'test | test/cart.test.js:9 | total / multiplies price by quantity',
    'test | src/cart.js:6 (test at test/cart.test.js:15) | parseQuantity / accepts a unit suffix',
    'test | test/cart.test.js:20 | keeps the cart summary',
    'build | test/checkout.test.js:1 |',
  ],
  'tsc/default.txt': [
    'type error | src/cart.ts:8 |',
    'type error | src/cart.ts:10 |',
    'build error | src/main.ts:2 |',
    'type error | src/main.ts:4 |',
  ],
  'tsc/pretty.txt': [
    'type error | src/cart.ts:8 |',
    'type error | src/cart.ts:10 |',
    'build error | src/main.ts:2 |',
    'type error | src/main.ts:4 |',
  ],
  'tsup/syntax-error.txt': ['build | src/format.ts:5 |'],
  'unittest/default.txt': [
    'test | shop/cart.py:19 (test at tests/test_cart.py:18) | tests.test_cart.QuantityTest.test_knows_the_ink',
    'test | tests/test_cart.py:13 | tests.test_cart.TotalTest.test_multiplies_price_by_quantity',
  ],
  'unittest/verbose.txt': [
    'test | shop/cart.py:19 (test at tests/test_cart.py:18) | tests.test_cart.QuantityTest.test_knows_the_ink',
    'test | tests/test_cart.py:13 | tests.test_cart.TotalTest.test_multiplies_price_by_quantity',
  ],
  'vite/npm-run-build.txt': ['build | src/format.ts:3 |'],
  'vite/syntax-error.txt': ['build | src/format.ts:3 |'],
  'vite/unresolved-import.txt': ['build | src/index.ts:2 |'],
  'vitest/color.txt': [
    'build | broken/checkout.test.ts:2 |',
    'test | test/cart.test.ts:10 | total > multiplies price by quantity',
    'test | test/cart.test.ts:20 | parseQuantity > accepts a unit suffix',
    'test | test/cart.test.ts:25 | keeps the cart summary',
  ],
  'vitest/default.txt': [
    'build | broken/checkout.test.ts:2 |',
    'test | test/cart.test.ts:10 | total > multiplies price by quantity',
    'test | test/cart.test.ts:20 | parseQuantity > accepts a unit suffix',
    'test | test/cart.test.ts:25 | keeps the cart summary',
  ],
  'vitest/missing-module.txt': ['build | broken/checkout.test.ts:2 |'],
  'vitest/throws.txt': [
    'test | src/stock.js:5 (test at test/stock.test.js:10) | reserve > takes the last pens',
    'infra | src/stock.js:17 (test at test/stock.test.js:15) | asks the price service',
  ],
  'vitest/unhandled-timeout.txt': [
    'test | flaky/stock.test.ts:11 | waits for the stock service',
    'test | flaky/stock.test.ts:5 | fires a late callback',
  ],
  'webpack/default.txt': ['build | src/format.js:3 |', 'build | src/index.js:2 |'],
};

const corpus = readCorpus();
const readmes = [new URL('./README.md', import.meta.url), new URL('../../../../README.md', import.meta.url)];
const tableStart = '<!-- digest-table:start -->';
const tableEnd = '<!-- digest-table:end -->';

describe('the digest corpus', () => {
  it('has a row for every fixture, and every fixture in the table exists', () => {
    expect(corpus.map((entry) => entry.name).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(corpus)('$name', (entry) => {
    const failures = digestOf(entry);
    expect(failures.map(digestRow)).toEqual(expected[entry.name]);
    expect(CiFailure.array().parse(failures)).toEqual(failures);
    for (const failure of failures) {
      expect(failure.kind).not.toBe('unknown');
      expect(failure.message.trim()).not.toBe('');
      expect(byteLength(failure.message)).toBeLessThanOrEqual(400);
      expect(byteLength(failure.logExcerpt ?? '')).toBeLessThanOrEqual(1000);
      expect(`${failure.message}${failure.logExcerpt}`).not.toContain('\u001b');
      if (entry.workdir) expect(JSON.stringify(failure)).not.toContain(entry.workdir);
    }
    const prompt = formatFeedback(failures, { attempt: 1, maxAttempts: 3, conclusion: 'failure', sha: '0123456789abcdef' });
    expect(byteLength(prompt)).toBeLessThanOrEqual(4096);
  });

  // AMPO_WRITE_DIGEST_TABLE=1 rewrites the tables after a fixture or a parser changed.
  it.each(readmes)('is the digest table of %s', (readme) => {
    const rendered = `${tableStart}\n\n${renderDigestTable(corpus)}\n\n${tableEnd}`;
    const table = (text: string) => text.slice(text.indexOf(tableStart), text.indexOf(tableEnd) + tableEnd.length);
    let text = readFileSync(readme, 'utf8');
    expect(text).toContain(tableStart);
    if (process.env.AMPO_WRITE_DIGEST_TABLE) {
      text = text.replace(table(text), rendered);
      writeFileSync(readme, text);
    }
    // Biome aligns the columns of Markdown tables: compare cells, not padding.
    const cells = (markdown: string) =>
      markdown
        .split('\n')
        .map((line) => (line.startsWith('|') ? line.replace(/\s+/g, ' ').replace(/-{3,}/g, '---') : line))
        .join('\n');
    expect(cells(table(text))).toBe(cells(rendered));
  });
});
