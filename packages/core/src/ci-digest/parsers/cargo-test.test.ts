import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';
import { parseCargoTest } from './cargo-test.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/cargo-test/${name}`, import.meta.url), 'utf8');
const digest = (name: string) => digestCheckOutput({ check: 'cargo', output: fixture(name), exitCode: 101 });

describe('cargo test', () => {
  const byTest = {
    'tests::accepts_a_unit_suffix': { file: 'src/lib.rs', line: 12, message: 'not a quantity: ParseIntError { kind: InvalidDigit }' },
    'tests::keeps_the_cart_summary': { file: 'src/lib.rs', line: 36, message: 'an empty cart must cost something' },
    'tests::multiplies_price_by_quantity': { file: 'src/lib.rs', line: 26, message: 'assertion `left == right` failed\nleft: 2\nright: 6' },
  };

  it.each(['default.txt', 'quiet-backtrace.txt'])('reads each panic with its location and message (%s)', (name) => {
    const failures = digest(name);
    expect(failures).toHaveLength(3);
    for (const failure of failures) {
      expect(failure).toMatchObject({ kind: 'test', ...byTest[failure.test as keyof typeof byTest] });
    }
  });

  it('leaves the backtrace out of the excerpt', () => {
    expect(digest('quiet-backtrace.txt')[0]?.logExcerpt).not.toContain('stack backtrace');
  });

  it('reads rustc errors as build failures with the primary label', () => {
    expect(digest('compile-error.txt')).toMatchObject([
      { kind: 'build', file: 'src/lib.rs', line: 3, message: 'E0308: mismatched types (expected `u32`, found `String`)' },
    ]);
  });

  it("reads the older `panicked at 'message', file:line:col` format", () => {
    const old =
      "---- tests::adds stdout ----\nthread 'tests::adds' panicked at 'assertion failed: 1 + 1 == 3', src/lib.rs:9:9\n\nfailures:\n";
    expect(parseCargoTest(old)).toMatchObject([
      { test: 'tests::adds', file: 'src/lib.rs', line: 9, message: 'assertion failed: 1 + 1 == 3' },
    ]);
  });
});
