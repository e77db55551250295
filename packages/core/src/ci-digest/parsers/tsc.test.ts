import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/tsc/${name}`, import.meta.url), 'utf8');
const digest = (name: string) => digestCheckOutput({ check: 'typecheck', output: fixture(name), exitCode: 2 });

describe('tsc', () => {
  const expected = [
    { kind: 'type', file: 'src/cart.ts', line: 8, message: "TS2322: Type 'number' is not assignable to type 'string'." },
    { kind: 'type', file: 'src/cart.ts', line: 10, message: "TS2339: Property 'nmae' does not exist on type 'Item'." },
    {
      kind: 'build',
      file: 'src/main.ts',
      line: 2,
      message: "TS2307: Cannot find module './format.js' or its corresponding type declarations.",
    },
    { kind: 'type', file: 'src/main.ts', line: 4, message: "TS2322: Type 'string' is not assignable to type 'number'." },
  ];

  it('reads --pretty false diagnostics', () => {
    expect(digest('default.txt')).toMatchObject(expected);
  });

  it('reads pretty diagnostics the same way, with the code frame as excerpt', () => {
    const failures = digest('pretty.txt');
    expect(failures).toMatchObject(expected);
    expect(failures[3]?.logExcerpt).toContain("console.log(format(total([{ name: 'pen', price: '2' }])));");
    expect(failures[3]?.logExcerpt).not.toContain('Found 4 errors');
  });
});
