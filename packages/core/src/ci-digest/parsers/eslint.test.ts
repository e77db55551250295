import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';
import { parseEslint } from './eslint.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/eslint/${name}`, import.meta.url), 'utf8');
const workdir = '/tmp/ampo-ci-digest-samples/eslint';

describe('ESLint', () => {
  const expected = [
    {
      kind: 'lint',
      severity: 'error',
      file: 'src/app.js',
      line: 4,
      message: "'unused' is assigned a value but never used (no-unused-vars)",
    },
    { kind: 'lint', severity: 'error', file: 'src/app.js', line: 7, message: "Expected '===' and instead saw '==' (eqeqeq)" },
    { kind: 'lint', severity: 'error', file: 'src/app.js', line: 8, message: "'txt' is not defined (no-undef)" },
    { kind: 'lint', severity: 'error', file: 'src/app.js', line: 11, message: "Unexpected 'debugger' statement (no-debugger)" },
    // The warning comes after every error, labelled as one.
    { kind: 'lint', severity: 'warning', file: 'src/app.js', line: 6, message: 'Unexpected console statement (no-console)' },
  ];

  it.each(['stylish.txt', 'unix.txt'])('reads the %s format', (name) => {
    expect(digestCheckOutput({ check: 'lint', output: fixture(name), exitCode: 1, workdir })).toMatchObject(expected);
  });

  it('puts errors first, then warnings, in the order ESLint printed each', () => {
    const withWarning = fixture('stylish.txt').replace('4:9   error', '4:9   warning');
    expect(parseEslint(withWarning).map((failure) => [failure.line, failure.severity])).toEqual([
      [7, 'error'],
      [8, 'error'],
      [11, 'error'],
      [4, 'warning'],
      [6, 'warning'],
    ]);
    const warningsOnly = fixture('stylish.txt').replaceAll('  error  ', '  warning  ');
    expect(parseEslint(warningsOnly).map((failure) => failure.line)).toEqual([4, 6, 7, 8, 11]);
  });

  it('reads the compact format', () => {
    expect(parseEslint("/repo/src/app.js: line 7, col 21, Error - 'txt' is not defined. (no-undef)\n\n1 problem")).toEqual([
      expect.objectContaining({ file: '/repo/src/app.js', line: 7, message: "'txt' is not defined (no-undef)" }),
    ]);
  });
});
