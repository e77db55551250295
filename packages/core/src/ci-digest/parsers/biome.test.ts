import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digestCheckOutput } from '../digest-check-output.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/biome/${name}`, import.meta.url), 'utf8');

describe('Biome', () => {
  it('reads `biome check`: errors (lint, unformatted files), then warnings; the info is left out', () => {
    const failures = digestCheckOutput({ check: 'biome', output: fixture('check.txt'), exitCode: 1 });
    expect(failures).toMatchObject([
      {
        kind: 'lint',
        severity: 'error',
        file: 'src/app.js',
        line: 11,
        message: 'This is an unexpected use of the debugger statement. (lint/suspicious/noDebugger)',
      },
      { kind: 'lint', severity: 'error', file: 'src/app.js', message: 'File is not formatted as Biome would format it' },
      {
        kind: 'lint',
        severity: 'warning',
        file: 'src/app.js',
        line: 4,
        message: 'This variable unused is unused. (lint/correctness/noUnusedVariables)',
      },
    ]);
    expect(fixture('check.txt')).toContain('lint/suspicious/noConsole');
    expect(failures).toHaveLength(3);
    expect(failures[0]?.logExcerpt).toContain('> 11 │ debugger;');
    expect(failures[0]?.logExcerpt).not.toContain('Unsafe fix');
  });

  it('reads `biome lint`', () => {
    expect(digestCheckOutput({ check: 'biome', output: fixture('lint.txt'), exitCode: 1 })).toMatchObject([
      { kind: 'lint', severity: 'error', file: 'src/app.js', line: 11, message: expect.stringContaining('lint/suspicious/noDebugger') },
      { kind: 'lint', severity: 'warning', file: 'src/app.js', line: 4 },
    ]);
  });

  it('keeps infos only when nothing else is there', () => {
    const onlyInfo = fixture('lint.txt')
      .split(/\n(?=\S+:\d+:\d+ lint\/)/)
      .filter((block) => block.includes('noConsole'))
      .join('\n');
    expect(digestCheckOutput({ check: 'biome', output: onlyInfo, exitCode: 1 })).toMatchObject([
      { kind: 'lint', severity: 'info', file: 'src/app.js', line: 6, message: "Don't use console. (lint/suspicious/noConsole)" },
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
        severity: 'error',
        file: 'src/app.js',
        line: 11,
        message: 'This is an unexpected use of the debugger statement. (lint/suspicious/noDebugger)',
      },
      { kind: 'lint', severity: 'error', file: 'src/app.js', line: 1, message: expect.stringContaining('(format)') },
      { kind: 'lint', severity: 'warning', file: 'src/app.js', line: 4 },
    ]);
  });
});
