#!/usr/bin/env bash
# Regenerates the ci-digest fixtures by running each real tool on a small sample project with
# deliberate failures. The sample sources live below as heredocs (not as files in the repo, so the
# repo's own tsc/vitest/biome never pick them up). Usage: bash regenerate.sh [tool ...]
# Needs: node 20 + the repo's node_modules (vitest, tsc, biome), npm access for jest/mocha/eslint and
# the bundlers, cargo, Docker with the test image, and from Debian: python3-pytest python3-mypy
# golang-go ruby-rspec phpunit postgresql-client maven maven-debian-helper libsurefire-java junit4
# libmaven-compiler-plugin-java libmaven-resources-plugin-java. Outputs differ only in durations.
# The samples of the newer tools are in samples/*.sh, sourced below.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../../../.." && pwd)"
# A fixed path keeps the absolute paths some tools print stable across regenerations.
samples="${AMPO_SAMPLES_DIR:-/tmp/ampo-ci-digest-samples}"
bin="$repo/node_modules/.bin"
mkdir -p "$samples"

# capture <tool> <fixture file> <directory> <command...>: runs the command, keeps stdout+stderr
# (as a CI log would) and records command, exit code and tool version in <tool>/README.md.
capture() {
  local tool="$1" file="$2" dir="$3"
  shift 3
  mkdir -p "$here/$tool"
  (cd "$dir" && "$@") >"$here/$tool/$file" 2>&1
  local code=$? command
  command="$(printf "%q " "$@")"
  command="${command% }"
  command="${command//$samples/\$SAMPLES}"
  printf -- '- `%s`: `cd %s && %s` (exit %s)\n' "$file" "${dir/#$samples/\$SAMPLES}" "${command//$repo/\$REPO}" "$code" >>"$here/$tool/README.md"
}

# readme <tool> <version line> <sample description>
readme() {
  mkdir -p "$here/$1"
  printf '# %s fixtures\n\nCaptured by `bash ../regenerate.sh %s` (the sample sources are the heredocs there; `$SAMPLES` is %s, `$REPO` the repository root).\n\n- tool version: %s\n- sample: %s\n\n## Files\n\n' \
    "$1" "$1" "$samples" "$2" "$3" >"$here/$1/README.md"
}

js_tools() {
  if [ ! -x "$samples/node_modules/.bin/wait-on" ]; then
    (cd "$samples" && { [ -f package.json ] || echo '{"private":true}' >package.json; } &&
      npm install --no-audit --no-fund jest@30.5.2 mocha@12.0.3 eslint@10.15.0 @eslint/js@10.0.1 eslint-formatter-unix@9.0.1 \
        @playwright/test@1.65.1 wait-on@9.5.1 jest-trx-results-processor@3.0.2 >/dev/null)
  fi
}
sbin="$samples/node_modules/.bin"

vitest_sample() {
  local d="$samples/vitest"
  mkdir -p "$d/src" "$d/test" "$d/broken" "$d/flaky"
  echo '{"type":"module","private":true}' >"$d/package.json"
  cat >"$d/src/cart.ts" <<'SRC'
export interface Item {
  name: string;
  price: number;
  quantity: number;
}

// Bug on purpose: ignores the quantity.
export const total = (items: Item[]): number => items.reduce((sum, item) => sum + item.price, 0);

export const parseQuantity = (text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new RangeError(`not a quantity: ${text}`);
  return value;
};
SRC
  cat >"$d/test/cart.test.ts" <<'SRC'
import { describe, expect, it } from 'vitest';
import { parseQuantity, total } from '../src/cart.js';

describe('total', () => {
  it('is zero for an empty cart', () => {
    expect(total([])).toBe(0);
  });

  it('multiplies price by quantity', () => {
    expect(total([{ name: 'pen', price: 2, quantity: 3 }])).toBe(6);
  });
});

describe('parseQuantity', () => {
  it('reads a number', () => {
    expect(parseQuantity('4')).toBe(4);
  });

  it('accepts a unit suffix', () => {
    expect(parseQuantity('4x')).toBe(4);
  });
});

it('keeps the cart summary', () => {
  expect({ items: 1, tags: ['a', 'b'] }).toEqual({ items: 1, tags: ['a', 'c'] });
});
SRC
  cat >"$d/broken/checkout.test.ts" <<'SRC'
import { expect, it } from 'vitest';
import { checkout } from '../src/checkout.js';

it('checks out', () => {
  expect(checkout()).toBe(true);
});
SRC
  cat >"$d/flaky/stock.test.ts" <<'SRC'
import { expect, it } from 'vitest';

it('fires a late callback', async () => {
  setTimeout(() => {
    throw new Error('late callback failed');
  }, 0);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(true).toBe(true);
});

it('waits for the stock service', async () => {
  await new Promise((resolve) => setTimeout(resolve, 500));
}, 50);
SRC
}

run_vitest() {
  vitest_sample
  local d="$samples/vitest" v
  v="$("$bin/vitest" --version)"
  readme vitest "$v" 'src/cart.ts with a bug (total ignores quantity), test/cart.test.ts (2 failing assertions, 1 thrown RangeError), broken/checkout.test.ts (imports a missing module), flaky/stock.test.ts (an uncaught error in a timer, a test timeout)'
  capture vitest default.txt "$d" env NO_COLOR=1 "$bin/vitest" run --root . test/ broken/
  capture vitest color.txt "$d" env FORCE_COLOR=1 "$bin/vitest" run --root . test/ broken/
  capture vitest missing-module.txt "$d" env NO_COLOR=1 "$bin/vitest" run --root . broken
  capture vitest unhandled-timeout.txt "$d" env NO_COLOR=1 "$bin/vitest" run --root . flaky
  run_vitest_stock

  # junit/README.md is written by hand: it lists these two commands.
  (cd "$d" && NO_COLOR=1 "$bin/vitest" run --root . --reporter=junit test/ broken/ >"$here/junit/vitest.xml" 2>/dev/null)
}

js_cart_sample() {
  local d="$1"
  mkdir -p "$d/src" "$d/test"
  cat >"$d/src/cart.js" <<'SRC'
// Bug on purpose: ignores the quantity.
const total = (items) => items.reduce((sum, item) => sum + item.price, 0);

const parseQuantity = (text) => {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new RangeError(`not a quantity: ${text}`);
  return value;
};

module.exports = { total, parseQuantity };
SRC
}

run_jest() {
  js_tools
  local d="$samples/jest"
  js_cart_sample "$d"
  echo '{"private":true}' >"$d/package.json"
  cat >"$d/test/cart.test.js" <<'SRC'
const { parseQuantity, total } = require('../src/cart.js');

describe('total', () => {
  test('is zero for an empty cart', () => {
    expect(total([])).toBe(0);
  });

  test('multiplies price by quantity', () => {
    expect(total([{ name: 'pen', price: 2, quantity: 3 }])).toBe(6);
  });
});

describe('parseQuantity', () => {
  test('accepts a unit suffix', () => {
    expect(parseQuantity('4x')).toBe(4);
  });
});

test('keeps the cart summary', () => {
  expect({ items: 1, tags: ['a', 'b'] }).toEqual({ items: 1, tags: ['a', 'c'] });
});
SRC
  cat >"$d/test/checkout.test.js" <<'SRC'
const { checkout } = require('../src/checkout.js');

test('checks out', () => {
  expect(checkout()).toBe(true);
});
SRC
  readme jest "jest $("$samples/node_modules/.bin/jest" --version)" 'src/cart.js with a bug, test/cart.test.js (2 failing assertions, 1 thrown RangeError), test/checkout.test.js (requires a missing module)'
  capture jest default.txt "$d" env NO_COLOR=1 CI=true "$samples/node_modules/.bin/jest" --ci
  capture jest color.txt "$d" env FORCE_COLOR=1 CI=true "$samples/node_modules/.bin/jest" --ci
}

node_test_sample() {
  local d="$samples/node-test"
  js_cart_sample "$d"
  echo '{"private":true}' >"$d/package.json"
  cat >"$d/test/cart.test.js" <<'SRC'
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { parseQuantity, total } = require('../src/cart.js');

describe('total', () => {
  it('is zero for an empty cart', () => {
    assert.equal(total([]), 0);
  });

  it('multiplies price by quantity', () => {
    assert.equal(total([{ name: 'pen', price: 2, quantity: 3 }]), 6);
  });
});

describe('parseQuantity', () => {
  it('accepts a unit suffix', () => {
    assert.equal(parseQuantity('4x'), 4);
  });
});

it('keeps the cart summary', () => {
  assert.deepEqual({ items: 1, tags: ['a', 'b'] }, { items: 1, tags: ['a', 'c'] });
});
SRC
}

run_node_test() {
  node_test_sample
  local d="$samples/node-test"
  readme node-test "node $(node --version)" 'src/cart.js with a bug, test/cart.test.js with node:test (2 failing assertions, 1 thrown RangeError)'
  capture node-test spec.txt "$d" env NO_COLOR=1 node --test --test-reporter=spec test/
  capture node-test tap.txt "$d" env NO_COLOR=1 node --test --test-reporter=tap test/
}

run_mocha() {
  js_tools
  local d="$samples/mocha"
  js_cart_sample "$d"
  echo '{"private":true}' >"$d/package.json"
  cat >"$d/test/cart.spec.js" <<'SRC'
const assert = require('node:assert/strict');
const { parseQuantity, total } = require('../src/cart.js');

describe('total', () => {
  it('is zero for an empty cart', () => {
    assert.equal(total([]), 0);
  });

  it('multiplies price by quantity', () => {
    assert.equal(total([{ name: 'pen', price: 2, quantity: 3 }]), 6);
  });
});

describe('parseQuantity', () => {
  it('accepts a unit suffix', () => {
    assert.equal(parseQuantity('4x'), 4);
  });
});

it('keeps the cart summary', () => {
  assert.deepEqual({ items: 1, tags: ['a', 'b'] }, { items: 1, tags: ['a', 'c'] });
});
SRC
  readme mocha "mocha $("$samples/node_modules/.bin/mocha" --version)" 'src/cart.js with a bug, test/cart.spec.js with node:assert (2 failing assertions, 1 thrown RangeError)'
  capture mocha spec.txt "$d" "$samples/node_modules/.bin/mocha" --no-color --reporter spec
  capture mocha tap.txt "$d" "$samples/node_modules/.bin/mocha" --no-color --reporter tap
}

run_pytest() {
  local d="$samples/pytest"
  mkdir -p "$d"
  cat >"$d/cart.py" <<'SRC'
def total(items):
    # Bug on purpose: ignores the quantity.
    return sum(item["price"] for item in items)


def parse_quantity(text):
    if not text.isdigit():
        raise ValueError(f"not a quantity: {text}")
    return int(text)
SRC
  cat >"$d/test_cart.py" <<'SRC'
import pytest

from cart import parse_quantity, total


def test_empty_cart():
    assert total([]) == 0


def test_multiplies_price_by_quantity():
    assert total([{"name": "pen", "price": 2, "quantity": 3}]) == 6


class TestParseQuantity:
    def test_reads_a_number(self):
        assert parse_quantity("4") == 4

    def test_accepts_a_unit_suffix(self):
        assert parse_quantity("4x") == 4


@pytest.fixture
def catalogue():
    raise RuntimeError("catalogue service unavailable")


def test_uses_catalogue(catalogue):
    assert catalogue
SRC
  mkdir -p "$d/broken"
  cat >"$d/broken/test_checkout.py" <<'SRC'
from checkout import checkout


def test_checkout():
    assert checkout()
SRC
  readme pytest "$(/usr/bin/python3 -m pytest --version 2>&1) (Debian python3-pytest)" 'cart.py with a bug, test_cart.py (1 failing assertion, 1 raised ValueError in a class, 1 fixture error), broken/test_checkout.py (imports a missing module)'
  capture pytest default.txt "$d" /usr/bin/python3 -m pytest -p no:cacheprovider --color=no test_cart.py
  capture pytest collection-error.txt "$d" /usr/bin/python3 -m pytest -p no:cacheprovider --color=no broken
  (cd "$d" && /usr/bin/python3 -m pytest -p no:cacheprovider -q --color=no --junitxml=report.xml test_cart.py >/dev/null 2>&1; cp report.xml "$here/junit/pytest.xml")
}

run_go() {
  local d="$samples/go-test"
  mkdir -p "$d/broken"
  cat >"$d/go.mod" <<'SRC'
module example.com/cart

go 1.19
SRC
  cat >"$d/cart.go" <<'SRC'
package cart

import "fmt"

type Item struct {
	Name     string
	Price    int
	Quantity int
}

// Total has a bug on purpose: it ignores the quantity.
func Total(items []Item) int {
	sum := 0
	for _, item := range items {
		sum += item.Price
	}
	return sum
}

func ParseQuantity(text string) int {
	var value int
	if _, err := fmt.Sscanf(text, "%d", &value); err != nil {
		panic(fmt.Sprintf("not a quantity: %s", text))
	}
	return value
}
SRC
  cat >"$d/cart_test.go" <<'SRC'
package cart

import "testing"

func TestEmptyCart(t *testing.T) {
	if got := Total(nil); got != 0 {
		t.Errorf("Total(nil) = %d, want 0", got)
	}
}

func TestTotal(t *testing.T) {
	t.Run("multiplies price by quantity", func(t *testing.T) {
		got := Total([]Item{{Name: "pen", Price: 2, Quantity: 3}})
		if got != 6 {
			t.Fatalf("Total = %d, want 6", got)
		}
	})
}

func TestParseQuantity(t *testing.T) {
	if got := ParseQuantity("x4"); got != 4 {
		t.Errorf("ParseQuantity = %d, want 4", got)
	}
}
SRC
  cat >"$d/broken/broken.go" <<'SRC'
package broken

func Answer() int {
	return undefinedValue
}
SRC
  readme go-test "$(go version)" 'cart.go with a bug, cart_test.go (t.Errorf, t.Fatalf in a subtest, a panic), broken/broken.go (does not compile)'
  capture go-test default.txt "$d" env GOFLAGS=-mod=mod GOPROXY=off go test .
  capture go-test verbose.txt "$d" env GOFLAGS=-mod=mod GOPROXY=off go test -v .
  capture go-test compile-error.txt "$d" env GOFLAGS=-mod=mod GOPROXY=off go test ./broken/
}

run_cargo() {
  local d="$samples/cargo-test"
  mkdir -p "$d/src"
  cat >"$d/Cargo.toml" <<'SRC'
[package]
name = "cart"
version = "0.1.0"
edition = "2021"

[dependencies]
SRC
  cat >"$d/src/lib.rs" <<'SRC'
pub struct Item {
    pub price: u32,
    pub quantity: u32,
}

/// Bug on purpose: ignores the quantity.
pub fn total(items: &[Item]) -> u32 {
    items.iter().map(|item| item.price).sum()
}

pub fn parse_quantity(text: &str) -> u32 {
    text.parse().expect("not a quantity")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_cart() {
        assert_eq!(total(&[]), 0);
    }

    #[test]
    fn multiplies_price_by_quantity() {
        assert_eq!(total(&[Item { price: 2, quantity: 3 }]), 6);
    }

    #[test]
    fn accepts_a_unit_suffix() {
        assert_eq!(parse_quantity("4x"), 4);
    }

    #[test]
    fn keeps_the_cart_summary() {
        assert!(total(&[]) > 0, "an empty cart must cost something");
    }
}
SRC
  local broken="$samples/cargo-broken"
  mkdir -p "$broken/src"
  sed 's/name = "cart"/name = "cart-broken"/' "$d/Cargo.toml" >"$broken/Cargo.toml"
  cat >"$broken/src/lib.rs" <<'SRC'
pub fn total(prices: &[u32]) -> u32 {
    let sum: u32 = prices.iter().sum();
    sum.to_string()
}
SRC
  readme cargo-test "$(cargo --version), $(rustc --version)" 'src/lib.rs with a bug and four unit tests (assert_eq!, expect() panic, assert! with message); a second crate whose lib does not compile'
  capture cargo-test default.txt "$d" env CARGO_TERM_COLOR=never RUST_BACKTRACE=0 cargo test --offline
  capture cargo-test quiet-backtrace.txt "$d" env CARGO_TERM_COLOR=never RUST_BACKTRACE=1 cargo test --offline -q
  capture cargo-test compile-error.txt "$broken" env CARGO_TERM_COLOR=never RUST_BACKTRACE=0 cargo test --offline
}

ts_sample() {
  local d="$samples/tsc"
  mkdir -p "$d/src"
  cat >"$d/tsconfig.json" <<'SRC'
{ "compilerOptions": { "strict": true, "noEmit": true, "target": "ES2022", "module": "NodeNext" }, "include": ["src"] }
SRC
  echo '{"type":"module","private":true}' >"$d/package.json"
  cat >"$d/src/cart.ts" <<'SRC'
export interface Item {
  name: string;
  price: number;
}

export const total = (items: Item[]): number => items.reduce((sum, item) => sum + item.price, 0);

export const label: string = total([{ name: 'pen', price: 2 }]);

export const first = (items: Item[]) => items[0].nmae;
SRC
  cat >"$d/src/main.ts" <<'SRC'
import { total } from './cart.js';
import { format } from './format.js';

console.log(format(total([{ name: 'pen', price: '2' }])));
SRC
}

run_tsc() {
  ts_sample
  local d="$samples/tsc"
  readme tsc "tsc $("$bin/tsc" --version)" 'src/cart.ts (type mismatch, misspelt property), src/main.ts (missing module, wrong argument type)'
  capture tsc default.txt "$d" "$bin/tsc" -p . --pretty false
  capture tsc pretty.txt "$d" "$bin/tsc" -p . --pretty true
}

lint_sample() {
  local d="$1"
  mkdir -p "$d/src"
  cat >"$d/src/app.js" <<'SRC'
import { readFile } from 'node:fs/promises';

export async function load(path) {
  const unused = 1;
  const text = await readFile(path, 'utf8');
  console.log('loaded', path);
  if (text == null) return undefined;
  return JSON.parse(txt);
}

debugger;
SRC
}

run_eslint() {
  js_tools
  local d="$samples/eslint"
  lint_sample "$d"
  echo '{"type":"module","private":true}' >"$d/package.json"
  cat >"$d/eslint.config.js" <<'SRC'
import js from '@eslint/js';

export default [js.configs.recommended, { rules: { eqeqeq: 'error', 'no-console': 'warn' }, languageOptions: { sourceType: 'module', globals: { console: 'readonly' } } }];
SRC
  readme eslint "eslint $("$samples/node_modules/.bin/eslint" --version), eslint-formatter-unix 9.0.1" 'src/app.js (unused variable, undefined name, == null, debugger, console.log) with @eslint/js recommended + eqeqeq + no-console as a warning'
  capture eslint stylish.txt "$d" "$samples/node_modules/.bin/eslint" --no-color src
  capture eslint unix.txt "$d" "$samples/node_modules/.bin/eslint" --format unix src
}

run_biome() {
  local d="$samples/biome"
  lint_sample "$d"
  cat >>"$d/src/app.js" <<'SRC'
export const   badlyFormatted = {a:1}
SRC
  echo '{"type":"module","private":true}' >"$d/package.json"
  echo '{ "linter": { "rules": { "suspicious": { "noConsole": "info" } } } }' >"$d/biome.json"
  readme biome "$("$bin/biome" --version)" 'src/app.js (unused variable, debugger, == null, console.log, formatting) with the recommended rules and noConsole at the info level'
  capture biome check.txt "$d" "$bin/biome" check --colors=off src
  capture biome lint.txt "$d" "$bin/biome" lint --colors=off src
  capture biome github.txt "$d" "$bin/biome" check --reporter=github src
}

run_generic() {
  local d="$samples/generic"
  mkdir -p "$d"
  echo '{"name":"demo","private":true,"scripts":{"build":"tsup"}}' >"$d/package.json"
  readme generic "node $(node --version), npm $(npm --version), $(bash --version | head -1)" 'commands that fail outside any test runner'
  capture generic npm-missing-script.txt "$d" npm run lint
  capture generic command-not-found.txt "$d" bash -c 'echo "building docs"; make-docs --all'
  capture generic cannot-find-module.txt "$d" node -e "require('left-pad')"
  capture generic oom.txt "$d" node --max-old-space-size=16 -e 'const keep = []; for (;;) keep.push(new Array(1e5).fill(Math.random()))'
  # GitHub Actions log shape (timestamps, ##[group], ##[error]) around the real output of a failing
  # `npm run build` (no tsup installed) and a shell command: the framing lines are written here
  # because no Actions runner is reachable; the command output in between is real.
  local output
  output="$(cd "$d" && bash -c 'echo "> deploy preview"; ./scripts/deploy.sh' 2>&1)"
  local second=10 line
  {
    printf '%s\n' '##[group]Run actions/checkout@v4' 'Syncing repository: acme/shop' '##[endgroup]' '##[group]Run npm run build' 'npm run build' '##[endgroup]'
    (cd "$d" && npm run build 2>&1)
    printf '%s\n' '##[error]Process completed with exit code 127.' '##[group]Run ./scripts/deploy.sh' '##[endgroup]' "$output"
    printf '%s\n' '##[error]Process completed with exit code 127.' 'Post job cleanup.'
  } | while IFS= read -r line; do
    printf '2026-11-25T12:00:%02d.%07dZ %s\n' "$second" $((second * 1234567 % 10000000)) "$line"
    second=$((second + 1))
  done >"$here/generic/github-actions.txt"
  # The same framing around the captured ESLint and vitest fixtures: one job, a passing step and two failing ones.
  second=10
  {
    printf '%s\n' '##[group]Run npm ci' 'npm ci' '##[endgroup]' 'added 212 packages in 3s'
    printf '%s\n' '##[group]Run npx eslint src' 'npx eslint src' '##[endgroup]'
    cat "$here/eslint/stylish.txt"
    printf '%s\n' '##[error]Process completed with exit code 1.' '##[group]Run npx vitest run' 'npx vitest run' '##[endgroup]'
    cat "$here/vitest/color.txt"
    printf '%s\n' '##[error]Process completed with exit code 1.' 'Post job cleanup.'
  } | while IFS= read -r line; do
    printf '2026-11-25T12:01:%02d.%07dZ %s\n' "$((second % 60))" $((second * 7654321 % 10000000)) "$line"
    second=$((second + 1))
  done >"$here/generic/github-actions-steps.txt"
  printf -- '- `github-actions-steps.txt`: the same framing around `../eslint/stylish.txt` and `../vitest/color.txt` (run `eslint` and `vitest` first)\n' >>"$here/generic/README.md"
  printf -- '- `github-actions.txt`: GitHub Actions framing (timestamps, `##[group]`, `##[error]`) written by `run_generic` around the real output of `npm run build` (tsup missing) and `./scripts/deploy.sh` (missing file)\n' >>"$here/generic/README.md"
}

for part in bundlers infra stock more-runners; do
  # shellcheck source=/dev/null
  source "$here/samples/$part.sh"
done

tools=("$@")
[ ${#tools[@]} -eq 0 ] && tools=(vitest jest node-test mocha pytest go-test cargo-test tsc eslint biome generic esbuild tsup vite rollup webpack
  infra playwright go-vet rspec phpunit unittest mypy maven trx)
for tool in "${tools[@]}"; do
  case "$tool" in
  vitest) run_vitest ;; jest) run_jest ;; node-test) run_node_test ;; mocha) run_mocha ;; pytest) run_pytest ;;
  go-test) run_go && run_go_packages ;; go-vet) run_go_vet ;; cargo-test) run_cargo ;; tsc) run_tsc ;; eslint) run_eslint ;;
  biome) run_biome ;; generic) run_generic ;; esbuild) run_esbuild ;; tsup) run_tsup ;; vite) run_vite ;; rollup) run_rollup ;;
  webpack) run_webpack ;; infra) run_infra ;; playwright) run_playwright ;; rspec) run_rspec ;; phpunit) run_phpunit ;;
  unittest) run_unittest ;; mypy) run_mypy ;; maven) run_maven ;; trx) run_trx ;;
  junit) run_vitest && run_pytest ;;
  *) echo "unknown tool: $tool" >&2 ;;
  esac
done
