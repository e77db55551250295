import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/jest/${name}`, import.meta.url), 'utf8');
const digest = (name: string) => digestCheckOutput({ check: 'test', output: fixture(name), exitCode: 1 });

describe('jest', () => {
  it('reads each ● block with the test name, the first user frame and the matcher message', () => {
    expect(digest('default.txt')).toMatchObject([
      {
        kind: 'test',
        test: 'total › multiplies price by quantity',
        file: 'test/cart.test.js',
        line: 9,
        message: 'expect(received).toBe(expected) // Object.is equality\nExpected: 6\nReceived: 2',
      },
      // Thrown inside the code under test: the throw site is the first user frame.
      {
        kind: 'test',
        test: 'parseQuantity › accepts a unit suffix',
        file: 'src/cart.js',
        line: 6,
        message: 'RangeError: not a quantity: 4x',
      },
      {
        kind: 'test',
        test: 'keeps the cart summary',
        file: 'test/cart.test.js',
        line: 20,
        message: 'expect(received).toEqual(expected) // deep equality',
      },
      {
        kind: 'build',
        file: 'test/checkout.test.js',
        line: 1,
        message: "Cannot find module '../src/checkout.js' from 'test/checkout.test.js'",
      },
    ]);
    expect(digest('default.txt')[3]).not.toHaveProperty('test');
  });

  it('keeps the diff in the excerpt and skips frames inside node_modules', () => {
    const failures = digest('default.txt');
    expect(failures[2]?.logExcerpt).toContain('-     "c",\n+     "b",');
    expect(failures[3]?.logExcerpt).not.toContain('jest-resolve');
  });

  it('reads the coloured output exactly like the plain one', () => {
    expect(fixture('color.txt')).toContain('\u001b[');
    const strip = (failures: ReturnType<typeof digest>) => failures.map(({ logExcerpt: _excerpt, ...rest }) => rest);
    expect(strip(digest('color.txt'))).toEqual(strip(digest('default.txt')));
    expect(JSON.stringify(digest('color.txt'))).not.toContain('\u001b');
  });
});
