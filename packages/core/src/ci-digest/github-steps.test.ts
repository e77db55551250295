import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanLogText } from '../feedback/text.js';
import { digestCheckOutput } from './digest-check-output.js';
import { failedGithubSteps } from './github-steps.js';

const log = readFileSync(new URL('./__fixtures__/generic/github-actions-steps.txt', import.meta.url), 'utf8');

describe('GitHub Actions job logs', () => {
  it('finds the failed steps only', () => {
    expect(failedGithubSteps(cleanLogText(log)).map((step) => step.step)).toEqual(['npx eslint src', 'npx vitest run']);
    expect(failedGithubSteps('no groups here\n##[error]boom')).toEqual([]);
  });

  it('parses each failed step with its own tool and names the step on its failures', () => {
    const failures = digestCheckOutput({
      check: 'ci',
      job: 'build',
      output: log,
      exitCode: 1,
      workdir: '/tmp/ampo-ci-digest-samples/eslint',
    });
    expect(failures.map((failure) => [failure.step, failure.kind, failure.file, failure.line])).toEqual([
      ['npx eslint src', 'lint', 'src/app.js', 4],
      ['npx eslint src', 'lint', 'src/app.js', 7],
      ['npx eslint src', 'lint', 'src/app.js', 8],
      ['npx eslint src', 'lint', 'src/app.js', 11],
      ['npx eslint src', 'lint', 'src/app.js', 6],
      ['npx vitest run', 'build', 'broken/checkout.test.ts', 2],
      ['npx vitest run', 'test', 'test/cart.test.ts', 10],
      ['npx vitest run', 'test', 'test/cart.test.ts', 20],
      ['npx vitest run', 'test', 'test/cart.test.ts', 25],
    ]);
    expect(failures[6]).toMatchObject({ job: 'build', test: 'total > multiplies price by quantity' });
  });
});
