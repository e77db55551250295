import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/go-test/${name}`, import.meta.url), 'utf8');
const digest = (name: string) =>
  digestCheckOutput({ check: 'go', output: fixture(name), exitCode: 1, workdir: '/tmp/ampo-ci-digest-samples/go-test' });

describe('go test', () => {
  const expected = [
    { kind: 'test', test: 'TestTotal/multiplies_price_by_quantity', file: 'cart_test.go', line: 15, message: 'Total = 2, want 6' },
    { kind: 'test', test: 'TestParseQuantity', file: 'cart.go', line: 23, message: 'panic: not a quantity: x4' },
  ];

  it('reads failed subtests (not their parents) and panics at the first user frame', () => {
    expect(digest('default.txt')).toMatchObject(expected);
    expect(digest('default.txt').map((failure) => failure.test)).not.toContain('TestTotal');
  });

  it('reads -v output the same way', () => {
    expect(digest('verbose.txt')).toMatchObject(expected);
  });

  it('keeps the user frames of a panic, not the runtime ones', () => {
    const panic = digest('default.txt')[1];
    expect(panic?.logExcerpt).toContain('example.com/cart.ParseQuantity');
    expect(panic?.logExcerpt).not.toContain('/usr/lib/go');
  });

  it('reads compile errors as build failures', () => {
    expect(digest('compile-error.txt')).toMatchObject([
      { kind: 'build', file: 'broken/broken.go', line: 4, message: 'undefined: undefinedValue' },
    ]);
  });
});
