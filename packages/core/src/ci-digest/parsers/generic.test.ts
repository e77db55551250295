import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';
import { parseGeneric } from './generic.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/generic/${name}`, import.meta.url), 'utf8');
const digest = (name: string, exitCode = 1) => digestCheckOutput({ check: 'ci', output: fixture(name), exitCode });

describe('generic fallback', () => {
  it('splits a GitHub Actions log into its failed steps, timestamps gone', () => {
    const failures = digest('github-actions.txt');
    expect(failures).toMatchObject([
      { kind: 'build', step: 'npm run build', message: 'sh: 1: tsup: not found' },
      { kind: 'build', step: './scripts/deploy.sh', message: 'bash: line 1: ./scripts/deploy.sh: No such file or directory' },
    ]);
    expect(failures[0]?.logExcerpt).toContain('##[error]Process completed with exit code 127.');
    expect(JSON.stringify(failures)).not.toMatch(/2026-11-25T/);
    expect(failures[0]?.logExcerpt).not.toContain('Syncing repository');
  });

  it('classifies an out-of-memory crash as infra', () => {
    expect(digest('oom.txt', 134)).toMatchObject([
      { kind: 'infra', message: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' },
    ]);
  });

  it.each([
    ['cannot-find-module.txt', "Error: Cannot find module 'left-pad'"],
    ['command-not-found.txt', 'bash: line 1: make-docs: command not found'],
    ['npm-missing-script.txt', 'npm error Missing script: "lint"'],
  ])('classifies %s as a build failure with the telling line as message', (name, message) => {
    expect(digest(name)).toMatchObject([{ kind: 'build', message }]);
  });

  it('keeps the lines around markers, marks the gaps and drops the rest', () => {
    const noise = Array.from({ length: 50 }, (_, index) => `compiling module ${index}`);
    const text = [...noise, 'error: linker `cc` not found', ...noise].join('\n');
    const [failure] = parseGeneric(text);
    expect(failure?.message).toBe('error: linker `cc` not found');
    expect(failure?.logExcerpt?.split('\n')).toEqual([
      'compiling module 48',
      'compiling module 49',
      'error: linker `cc` not found',
      'compiling module 0',
      'compiling module 1',
      'compiling module 2',
    ]);
    expect(parseGeneric(noise.join('\n'))).toEqual([]);
    const twoMarkers = parseGeneric([...noise, 'error: first', ...noise, 'FAIL second'].join('\n'))[0]?.logExcerpt?.split('\n');
    expect(twoMarkers).toEqual([
      'compiling module 48',
      'compiling module 49',
      'error: first',
      'compiling module 0',
      'compiling module 1',
      'compiling module 2',
      '…',
      'compiling module 48',
      'compiling module 49',
      'FAIL second',
    ]);
  });
});
