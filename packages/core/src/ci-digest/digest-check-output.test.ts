import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatFeedback } from '../feedback/format-feedback.js';
import { byteLength } from '../feedback/text.js';
import { digestCheckOutput } from './digest-check-output.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const vitestOutput = fixture('vitest/default.txt');
const withoutExcerpts = (failures: ReturnType<typeof digestCheckOutput>) => failures.map(({ logExcerpt: _excerpt, ...rest }) => rest);

describe('digestCheckOutput', () => {
  it('yields nothing for a check that passed, whatever it printed', () => {
    expect(digestCheckOutput({ check: 'test', output: vitestOutput, exitCode: 0 })).toEqual([]);
  });

  it('always yields a failure for a failed check, even a silent one', () => {
    expect(digestCheckOutput({ check: 'ci', output: '', exitCode: 2 })).toEqual([
      { check: 'ci', kind: 'unknown', message: 'exited with code 2 and printed nothing' },
    ]);
    expect(digestCheckOutput({ check: 'ci', output: '\n', exitCode: 137 })).toMatchObject([{ kind: 'infra' }]);
    expect(digestCheckOutput({ check: 'ci', output: 'step 1\nstep 2\n', exitCode: 3 })).toEqual([
      { check: 'ci', kind: 'unknown', message: 'exited with code 3; no error marker in its output', logExcerpt: 'step 1\nstep 2' },
    ]);
  });

  it('gives what no parser knows the kind its check, step or npm script is named for', () => {
    const silent = (check: string, step?: string) =>
      digestCheckOutput({ check, ...(step ? { step } : {}), output: 'step 1\n', exitCode: 1 })[0]?.kind;
    expect([
      silent('build'),
      silent('typecheck'),
      silent('lint'),
      silent('unit tests'),
      silent('ci', 'npm run build'),
      silent('ci', 'make test'),
    ]).toEqual(['build', 'type', 'lint', 'test', 'build', 'test']);
    const script = '\n> shop@1.0.0 typecheck\n> node scripts/check-types.mjs\n\nError: 3 declarations disagree\n';
    expect(digestCheckOutput({ check: 'ci', output: script, exitCode: 1 })).toMatchObject([
      { kind: 'type', message: 'Error: 3 declarations disagree' },
    ]);
    // What the text says outranks the name: a build that ran out of memory is infra.
    expect(digestCheckOutput({ check: 'build', output: 'FATAL ERROR: Reached heap limit Allocation failed', exitCode: 134 })).toMatchObject(
      [{ kind: 'infra' }],
    );
  });

  it('says why a check that was stopped from outside ended, as infra', () => {
    expect(digestCheckOutput({ check: 'test', output: 'importing fixtures\n', exitCode: 124 })).toMatchObject([
      { kind: 'infra', message: 'exited with code 124: stopped by a timeout (`timeout` exits 124)' },
    ]);
    expect(digestCheckOutput({ check: 'test', output: '', exitCode: 143 })).toMatchObject([{ kind: 'infra' }]);
  });

  it('carries the check, job and step onto every failure', () => {
    const failures = digestCheckOutput({ check: 'ci', job: 'unit', step: 'npm test', output: vitestOutput, exitCode: 1 });
    expect(failures).toHaveLength(4);
    for (const failure of failures) expect(failure).toMatchObject({ check: 'ci', job: 'unit', step: 'npm test' });
  });

  it('reads every tool of a check that runs several', () => {
    const output = [fixture('biome/lint.txt'), fixture('tsc/default.txt'), vitestOutput].join('\n');
    const failures = digestCheckOutput({ check: 'ci', output, exitCode: 1 });
    expect(failures.map((failure) => failure.kind)).toEqual([
      'build',
      'test',
      'test',
      'test',
      'type',
      'type',
      'build',
      'type',
      'lint',
      'lint',
    ]);
  });

  it('deduplicates the same failure reported twice, by the same or another reporter', () => {
    const twice = digestCheckOutput({ check: 'test', output: `${vitestOutput}\n${vitestOutput}`, exitCode: 1 });
    expect(twice).toHaveLength(4);
    const withJunit = digestCheckOutput({ check: 'test', output: `${vitestOutput}\n${fixture('junit/vitest.xml')}`, exitCode: 1 });
    expect(withoutExcerpts(withJunit)).toEqual(withoutExcerpts(twice));
  });

  it('adds a crash at the end of the log to the failures printed before it', () => {
    const output = `${fixture('jest/default.txt')}\n${fixture('generic/oom.txt')}`;
    const failures = digestCheckOutput({ check: 'test', output, exitCode: 134 });
    expect(failures.map((failure) => failure.kind)).toEqual(['test', 'test', 'test', 'build', 'infra']);
    expect(failures.at(-1)?.message).toBe('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory');
    expect(digestCheckOutput({ check: 'test', output: fixture('jest/default.txt'), exitCode: 1 })).toHaveLength(4);
  });

  it('uses the tool hint instead of detection', () => {
    expect(digestCheckOutput({ check: 'test', output: vitestOutput, exitCode: 1, tool: 'generic' })).toMatchObject([
      {
        kind: 'build',
        message: "Error: Cannot find module '../src/checkout.js' imported from /tmp/ampo-ci-digest-samples/vitest/broken/checkout.test.ts",
      },
    ]);
    // A wrong hint finds nothing, and the generic fallback still speaks.
    expect(digestCheckOutput({ check: 'test', output: fixture('tsc/default.txt'), exitCode: 1, tool: 'jest' })).toHaveLength(1);
  });

  it('caps the number of failures', () => {
    expect(digestCheckOutput({ check: 'test', output: vitestOutput, exitCode: 1, maxFailures: 2 })).toHaveLength(2);
  });

  it('reads only the tail of a huge log: what failed last is kept, what came first is gone', () => {
    const noise = Array.from({ length: 60_000 }, (_, index) => `  ✓ progress ${index} ⎯ compiled`).join('\n');
    const output = `${fixture('jest/default.txt')}\n${noise}\n${vitestOutput}`;
    expect(byteLength(output)).toBeGreaterThan(2_000_000);
    const failures = digestCheckOutput({ check: 'test', output, exitCode: 1 });
    expect(withoutExcerpts(failures)).toEqual(withoutExcerpts(digestCheckOutput({ check: 'test', output: vitestOutput, exitCode: 1 })));
    expect(failures.map((failure) => failure.test)).not.toContain('total › multiplies price by quantity');
  });

  it('strips ANSI codes and timestamps before parsing and from what it returns', () => {
    const stamped = fixture('vitest/color.txt')
      .split('\n')
      .map((line, index) => `2026-11-25T12:00:${String(index % 60).padStart(2, '0')}.1234567Z ${line}`)
      .join('\n');
    const failures = digestCheckOutput({ check: 'test', output: stamped, exitCode: 1 });
    expect(withoutExcerpts(failures)).toEqual(withoutExcerpts(digestCheckOutput({ check: 'test', output: vitestOutput, exitCode: 1 })));
    const text = JSON.stringify(failures);
    expect(text).not.toContain('\u001b');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  it('makes a follow-up prompt under 4 KB that names file:line and the test for a vitest + ESLint failure', () => {
    const failures = [
      ...digestCheckOutput({
        check: 'test',
        output: fixture('vitest/color.txt'),
        exitCode: 1,
        workdir: '/tmp/ampo-ci-digest-samples/vitest',
      }),
      ...digestCheckOutput({
        check: 'lint',
        output: fixture('eslint/stylish.txt'),
        exitCode: 1,
        workdir: '/tmp/ampo-ci-digest-samples/eslint',
      }),
    ];
    const prompt = formatFeedback(failures, { attempt: 1, maxAttempts: 3, conclusion: 'failure', sha: '0123456789abcdef0123' });
    expect(byteLength(prompt)).toBeLessThanOrEqual(4096);
    expect(prompt).toContain('test: total > multiplies price by quantity');
    expect(prompt).toContain('at: test/cart.test.ts:10');
    expect(prompt).toContain('message: AssertionError: expected 2 to be 6 // Object.is equality');
    expect(prompt).toContain('at: broken/checkout.test.ts:2');
    expect(prompt).toContain('at: src/app.js:7');
    expect(prompt).toContain("message: 'txt' is not defined (no-undef)");
    expect(prompt).not.toContain('\u001b');
    expect(prompt).not.toContain('/tmp/ampo-ci-digest-samples');
    if (process.env.AMPO_PRINT_PROMPT) console.log(prompt);
  });
});
