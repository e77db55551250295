import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';

const samples = '/tmp/ampo-ci-digest-samples/bundlers';
const digest = (tool: string, file: string) =>
  digestCheckOutput({
    check: 'ci',
    output: readFileSync(new URL(`../__fixtures__/${tool}/${file}`, import.meta.url), 'utf8'),
    exitCode: 1,
    workdir: `${samples}/${tool}`,
  });

describe('bundlers and build tools', () => {
  it('reads esbuild: every error with its file, line and message, warnings aside', () => {
    expect(digest('esbuild', 'bundle.txt')).toMatchObject([
      { kind: 'build', file: 'src/index.ts', line: 2, message: 'Could not resolve "./tax-rates.js"' },
      { kind: 'build', file: 'src/format.ts', line: 5, message: 'Unterminated string literal' },
    ]);
    expect(digest('esbuild', 'bundle.txt')[0]?.logExcerpt).toContain("import { taxRate } from './tax-rates.js';");
  });

  it('reads tsup once, though it prints esbuild’s error and then the error esbuild threw', () => {
    expect(digest('tsup', 'syntax-error.txt')).toMatchObject([{ kind: 'build', file: 'src/format.ts', line: 5 }]);
    expect(digest('tsup', 'syntax-error.txt')).toHaveLength(1);
  });

  it('reads Vite (Rolldown), also under `npm run build`', () => {
    expect(digest('vite', 'unresolved-import.txt')).toMatchObject([
      { kind: 'build', file: 'src/index.ts', line: 2, message: "Could not resolve './tax-rates.js' in src/index.ts" },
    ]);
    const wrapped = digest('vite', 'npm-run-build.txt');
    expect(wrapped).toMatchObject([{ kind: 'build', file: 'src/format.ts', line: 3, message: 'Unterminated string' }]);
    expect(wrapped[0]?.logExcerpt).not.toContain('aggregateBindingErrorsIntoJsError');
  });

  it('reads Rollup and webpack', () => {
    expect(digest('rollup', 'syntax-error.txt')).toMatchObject([
      { kind: 'build', file: 'src/format.js', line: 3, message: 'RollupError: Unterminated template' },
    ]);
    expect(digest('rollup', 'unresolved-import.txt')).toMatchObject([{ kind: 'build', file: 'src/index.js' }]);
    const webpack = digest('webpack', 'default.txt');
    expect(webpack).toMatchObject([
      { kind: 'build', file: 'src/format.js', line: 3, message: 'Module parse failed: Unterminated template (3:30)' },
      { kind: 'build', file: 'src/index.js', line: 2, message: "Module not found: Can't resolve './tax-rates.js' in 'src'" },
    ]);
    // The resolver's list of every path it tried is left out.
    expect(webpack[1]?.logExcerpt).not.toContain("doesn't exist");
  });
});
