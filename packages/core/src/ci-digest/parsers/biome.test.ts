import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/biome/${name}`, import.meta.url), 'utf8');

describe('Biome', () => {
  it('reads `biome check`: lint errors and unformatted files, not warnings when errors exist', () => {
    const failures = digestCheckOutput({ check: 'biome', output: fixture('check.txt'), exitCode: 1 });
    expect(failures).toMatchObject([
      {
        kind: 'lint',
        file: 'src/app.js',
        line: 10,
        message: 'This is an unexpected use of the debugger statement. (lint/suspicious/noDebugger)',
      },
      { kind: 'lint', file: 'src/app.js', message: 'File is not formatted as Biome would format it' },
    ]);
    expect(failures[0]?.logExcerpt).toContain('> 10 │ debugger;');
    expect(failures[0]?.logExcerpt).not.toContain('Unsafe fix');
  });

  it('reads `biome lint`', () => {
    expect(digestCheckOutput({ check: 'biome', output: fixture('lint.txt'), exitCode: 1 })).toMatchObject([
      { kind: 'lint', file: 'src/app.js', line: 10, message: expect.stringContaining('lint/suspicious/noDebugger') },
    ]);
  });

  it("reads Biome's github reporter through the workflow-command parser", () => {
    const failures = digestCheckOutput({
      check: 'biome',
      output: fixture('github.txt'),
      exitCode: 1,
      workdir: '/tmp/ampo-ci-digest-samples/biome',
    });
    expect(failures).toMatchObject([
      {
        kind: 'lint',
        file: 'src/app.js',
        line: 10,
        message: 'This is an unexpected use of the debugger statement. (lint/suspicious/noDebugger)',
      },
      { kind: 'lint', file: 'src/app.js', line: 1, message: expect.stringContaining('(format)') },
    ]);
  });
});
