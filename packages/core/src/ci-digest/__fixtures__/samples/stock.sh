# Sourced by ../regenerate.sh: tests that fail by an exception thrown in the code they test (two
# frames deep, in src/stock.js) and by a service that is not there, for vitest and Playwright Test.

stock_source() {
  local d="$1" module="$2"
  mkdir -p "$d/src"
  cat >"$d/src/stock.js" <<'SRC'
const available = { pen: 3, ink: 0 };

const check = (item, quantity) => {
  if (quantity > (available[item] ?? 0)) {
    throw new RangeError(`cannot reserve ${quantity} ${item}: ${available[item] ?? 0} in stock`);
  }
};

function reserve(item, quantity) {
  check(item, quantity);
  available[item] -= quantity;
  return { item, quantity };
}

// The price service is not running in CI (nothing listens on 127.0.0.1:59432).
async function price(item) {
  const response = await fetch(`http://127.0.0.1:59432/prices/${item}`);
  return (await response.json()).cents;
}
SRC
  if [ "$module" = esm ]; then
    echo 'export { price, reserve };' >>"$d/src/stock.js"
  else
    echo 'module.exports = { price, reserve };' >>"$d/src/stock.js"
  fi
}

run_vitest_stock() {
  local d="$samples/vitest-stock"
  stock_source "$d" esm
  mkdir -p "$d/test"
  echo '{"type":"module","private":true}' >"$d/package.json"
  cat >"$d/test/stock.test.js" <<'SRC'
import { describe, expect, it } from 'vitest';
import { price, reserve } from '../src/stock.js';

describe('reserve', () => {
  it('takes what is in stock', () => {
    expect(reserve('pen', 2)).toEqual({ item: 'pen', quantity: 2 });
  });

  it('takes the last pens', () => {
    expect(reserve('pen', 5)).toEqual({ item: 'pen', quantity: 5 });
  });
});

it('asks the price service', async () => {
  expect(await price('pen')).toBe(250);
});
SRC
  capture vitest throws.txt "$d" env NO_COLOR=1 "$bin/vitest" run --root .
}

run_playwright() {
  js_tools
  local d="$samples/playwright"
  stock_source "$d" commonjs
  mkdir -p "$d/tests"
  ln -sfn "$samples/node_modules" "$d/node_modules"
  echo '{"private":true}' >"$d/package.json"
  echo "module.exports = { testDir: 'tests', reporter: 'list', workers: 1 };" >"$d/playwright.config.js"
  cat >"$d/tests/stock.spec.js" <<'SRC'
const { test, expect } = require('@playwright/test');
const { reserve } = require('../src/stock.js');

test.describe('reserve', () => {
  test('takes what is in stock', () => {
    expect(reserve('pen', 2)).toEqual({ item: 'pen', quantity: 2 });
  });

  test('takes the last pens', () => {
    expect(reserve('pen', 5)).toEqual({ item: 'pen', quantity: 5 });
  });

  test('counts the ink', () => {
    expect(reserve('ink', 0).quantity).toBe(1);
  });
});
SRC
  readme playwright "$("$sbin/playwright" --version)" 'src/stock.js throws a RangeError two frames below a test; a failing toBe (no browser needed)'
  capture playwright list.txt "$d" env CI=true NO_COLOR=1 "$sbin/playwright" test
  capture playwright line.txt "$d" env CI=true NO_COLOR=1 "$sbin/playwright" test --reporter=line
}
