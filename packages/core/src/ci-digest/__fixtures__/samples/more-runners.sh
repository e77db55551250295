# Sourced by ../regenerate.sh: runners of other languages (Debian's packages) and report formats.

go_shop_sample() {
  local d="$samples/go-shop"
  mkdir -p "$d/money" "$d/report"
  printf 'module example.com/shop\n\ngo 1.19\n' >"$d/go.mod"
  cat >"$d/money/money.go" <<'SRC'
package money

// Add has a bug on purpose: it drops the cents of the second amount.
func Add(a, b Cents) Cents {
	return a + b/100*100
}

type Cents int
SRC
  cat >"$d/money/money_test.go" <<'SRC'
package money

import "testing"

func TestAddWholeEuros(t *testing.T) {
	if got := Add(100, 200); got != 300 {
		t.Errorf("Add(100, 200) = %d, want 300", got)
	}
}

func TestAddCents(t *testing.T) {
	cases := []struct{ a, b, want Cents }{{100, 250, 350}, {5, 5, 10}}
	for _, c := range cases {
		if got := Add(c.a, c.b); got != c.want {
			t.Errorf("Add(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
SRC
  cat >"$d/report/report.go" <<'SRC'
package report

import "fmt"

func Line(name string, cents int) string {
	return fmt.Sprintf("%s: %d", cents, name)
}
SRC
  cat >"$d/report/report_test.go" <<'SRC'
package report

import "testing"

func TestLine(t *testing.T) {
	if Line("pen", 250) == "" {
		t.Fatal("empty line")
	}
}
SRC
}

# Added to go-test/README.md, which run_go writes.
run_go_packages() {
  go_shop_sample
  capture go-test packages.txt "$samples/go-shop" env GOFLAGS=-mod=mod GOPROXY=off go test ./...
}

run_go_vet() {
  go_shop_sample
  local d="$samples/go-shop"
  readme go-vet "$(go version)" 'module example.com/shop: money/ (a failing test that logs bare file names), report/ (a Sprintf with swapped arguments)'
  capture go-vet default.txt "$d" env GOFLAGS=-mod=mod GOPROXY=off go vet ./...
}

run_rspec() {
  local d="$samples/rspec"
  mkdir -p "$d/lib" "$d/spec"
  cat >"$d/lib/cart.rb" <<'SRC'
class Cart
  def initialize(items)
    @items = items
  end

  # Bug on purpose: ignores the quantity.
  def total
    @items.sum { |item| item[:price] }
  end

  def quantity_of(name)
    item = @items.find { |entry| entry[:name] == name }
    raise ArgumentError, "no #{name} in the cart" unless item
    item[:quantity]
  end
end
SRC
  cat >"$d/spec/cart_spec.rb" <<'SRC'
require_relative '../lib/cart'

RSpec.describe Cart do
  let(:cart) { Cart.new([{ name: 'pen', price: 2, quantity: 3 }]) }

  it 'is empty without items' do
    expect(Cart.new([]).total).to eq(0)
  end

  it 'multiplies price by quantity' do
    expect(cart.total).to eq(6)
  end

  describe '#quantity_of' do
    it 'knows the ink' do
      expect(cart.quantity_of('ink')).to eq(0)
    end
  end
end
SRC
  readme rspec "$(rspec --version | head -1) (Debian ruby-rspec)" 'lib/cart.rb with a bug; spec/cart_spec.rb (a failing eq, an ArgumentError raised in lib/cart.rb)'
  capture rspec default.txt "$d" rspec --no-color
}

run_phpunit() {
  local d="$samples/phpunit"
  mkdir -p "$d/src" "$d/tests"
  cat >"$d/src/Cart.php" <<'SRC'
<?php

final class Cart
{
    /** @param array<int, array{name: string, price: int, quantity: int}> $items */
    public function __construct(private array $items)
    {
    }

    // Bug on purpose: ignores the quantity.
    public function total(): int
    {
        return array_sum(array_map(fn (array $item): int => $item['price'], $this->items));
    }

    public function quantityOf(string $name): int
    {
        foreach ($this->items as $item) {
            if ($item['name'] === $name) {
                return $item['quantity'];
            }
        }
        throw new InvalidArgumentException("no $name in the cart");
    }
}
SRC
  cat >"$d/tests/CartTest.php" <<'SRC'
<?php

use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/../src/Cart.php';

final class CartTest extends TestCase
{
    public function testEmptyCart(): void
    {
        $this->assertSame(0, (new Cart([]))->total());
    }

    public function testMultipliesPriceByQuantity(): void
    {
        $cart = new Cart([['name' => 'pen', 'price' => 2, 'quantity' => 3]]);
        $this->assertSame(6, $cart->total());
    }

    public function testKnowsTheInk(): void
    {
        $cart = new Cart([['name' => 'pen', 'price' => 2, 'quantity' => 3]]);
        $this->assertSame(0, $cart->quantityOf('ink'));
    }
}
SRC
  readme phpunit "$(phpunit --version | head -1) (Debian phpunit)" 'src/Cart.php with a bug; tests/CartTest.php (a failing assertSame, an InvalidArgumentException thrown in src/Cart.php)'
  capture phpunit default.txt "$d" phpunit --colors=never tests
}

python_shop_sample() {
  local d="$samples/python-shop"
  mkdir -p "$d/shop" "$d/tests"
  touch "$d/shop/__init__.py" "$d/tests/__init__.py"
  cat >"$d/shop/cart.py" <<'SRC'
from typing import TypedDict


class Item(TypedDict):
    name: str
    price: int
    quantity: int


def total(items: list[Item]) -> int:
    # Bug on purpose: ignores the quantity.
    return sum(item["price"] for item in items)


def quantity_of(items: list[Item], name: str) -> int:
    for item in items:
        if item["name"] == name:
            return item["quantity"]
    raise KeyError(f"no {name} in the cart")


def label(items: list[Item]) -> str:
    return total(items)


def first_name(items: list[Item]) -> str:
    return items[0]["nmae"]
SRC
  cat >"$d/tests/test_cart.py" <<'SRC'
import unittest

from shop.cart import quantity_of, total

PEN = {"name": "pen", "price": 2, "quantity": 3}


class TotalTest(unittest.TestCase):
    def test_empty_cart(self):
        self.assertEqual(total([]), 0)

    def test_multiplies_price_by_quantity(self):
        self.assertEqual(total([PEN]), 6)


class QuantityTest(unittest.TestCase):
    def test_knows_the_ink(self):
        self.assertEqual(quantity_of([PEN], "ink"), 0)
SRC
}

run_unittest() {
  python_shop_sample
  local d="$samples/python-shop"
  readme unittest "$(/usr/bin/python3 --version) (Debian)" 'shop/cart.py with a bug; tests/test_cart.py (a failing assertEqual, a KeyError raised in shop/cart.py)'
  capture unittest default.txt "$d" /usr/bin/python3 -m unittest discover -s tests -t .
  capture unittest verbose.txt "$d" /usr/bin/python3 -m unittest discover -v -s tests -t .
}

run_mypy() {
  python_shop_sample
  local d="$samples/python-shop"
  readme mypy "$(/usr/bin/python3 -m mypy --version) (Debian python3-mypy)" 'shop/cart.py: a wrong return type, a misspelt TypedDict key'
  capture mypy strict.txt "$d" /usr/bin/python3 -m mypy --strict --no-incremental shop
  capture mypy pretty.txt "$d" /usr/bin/python3 -m mypy --strict --no-incremental --pretty --show-error-context shop
}

run_maven() {
  local d="$samples/maven"
  mkdir -p "$d/src/main/java/com/example/shop" "$d/src/test/java/com/example/shop"
  cat >"$d/pom.xml" <<'SRC'
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>shop</artifactId>
  <version>1.0</version>
  <properties>
    <maven.compiler.source>17</maven.compiler.source>
    <maven.compiler.target>17</maven.compiler.target>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.x</version><scope>test</scope></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.0</version></plugin>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.10.1</version></plugin>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>2.22.3</version></plugin>
    </plugins>
  </build>
</project>
SRC
  cat >"$d/src/main/java/com/example/shop/Cart.java" <<'SRC'
package com.example.shop;

import java.util.List;

public final class Cart {
    public record Item(String name, int price, int quantity) {}

    private final List<Item> items;

    public Cart(List<Item> items) {
        this.items = items;
    }

    // Bug on purpose: ignores the quantity.
    public int total() {
        return items.stream().mapToInt(Item::price).sum();
    }

    public int quantityOf(String name) {
        return items.stream()
            .filter(item -> item.name().equals(name))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no " + name + " in the cart"))
            .quantity();
    }
}
SRC
  cat >"$d/src/test/java/com/example/shop/CartTest.java" <<'SRC'
package com.example.shop;

import static org.junit.Assert.assertEquals;

import java.util.List;
import org.junit.Test;

public class CartTest {
    private final Cart cart = new Cart(List.of(new Cart.Item("pen", 2, 3)));

    @Test
    public void emptyCart() {
        assertEquals(0, new Cart(List.of()).total());
    }

    @Test
    public void multipliesPriceByQuantity() {
        assertEquals(6, cart.total());
    }

    @Test
    public void knowsTheInk() {
        assertEquals(0, cart.quantityOf("ink"));
    }
}
SRC
  # Debian's Maven repository (maven-debian-helper, libsurefire-java, junit4, the compiler and
  # resources plugins), offline: Maven Central is not reachable here.
  local settings=/etc/maven/settings-debian.xml
  readme maven "$(mvn --version 2>/dev/null | head -1), surefire 2.22.3, JUnit 4.13.2, $(java -version 2>&1 | head -1) (Debian)" \
    'src/main/java/com/example/shop/Cart.java with a bug; CartTest (a failing assertEquals, an IllegalArgumentException thrown in Cart)'
  rm -rf "$d/target"
  capture maven surefire.txt "$d" mvn -B -s "$settings" test
  cp "$d/target/surefire-reports/TEST-com.example.shop.CartTest.xml" "$here/maven/TEST-com.example.shop.CartTest.xml"
  printf -- '- `TEST-com.example.shop.CartTest.xml`: `target/surefire-reports/TEST-com.example.shop.CartTest.xml` written by the run above\n' >>"$here/maven/README.md"
  capture maven full-trace.txt "$d" mvn -B -q -s "$settings" test -DtrimStackTrace=false
  sed -i 's/return items.stream().mapToInt(Item::price).sum();/return items.stream().mapToInt(Item::prise).sum();/' "$d/src/main/java/com/example/shop/Cart.java"
  capture maven compile-error.txt "$d" mvn -B -q -s "$settings" test
}

run_trx() {
  run_jest
  local d="$samples/jest"
  # No .NET SDK in Debian and no NuGet here: the TRX comes from jest's TRX results processor.
  readme trx "jest $("$samples/node_modules/.bin/jest" --version), jest-trx-results-processor 3.0.2" 'the jest sample (../jest): 2 failing assertions, 1 thrown RangeError, 1 missing module'
  rm -f "$d/test-results.trx"
  (cd "$d" && CI=true "$samples/node_modules/.bin/jest" --ci --reporters=default --reporters=jest-trx-results-processor >/dev/null 2>&1)
  cp "$d/test-results.trx" "$here/trx/jest.trx"
  printf -- '- `jest.trx`: `cd $SAMPLES/jest && CI=true $SAMPLES/node_modules/.bin/jest --ci --reporters=default --reporters=jest-trx-results-processor` (the file `test-results.trx`)\n' >>"$here/trx/README.md"
}
