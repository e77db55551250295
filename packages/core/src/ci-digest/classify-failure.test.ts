import { describe, expect, it } from 'vitest';
import { classifyFailure } from './classify-failure.js';

describe('classifyFailure', () => {
  it.each([
    ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', 'infra'],
    ['Error: Worker terminated due to reaching memory limit: JS heap out of memory', 'infra'],
    ['npm error code ENOSPC', 'infra'],
    ['npm error network request failed, reason: getaddrinfo EAI_AGAIN', 'infra'],
    ['The runner has received a shutdown signal.', 'infra'],
    // GitHub's annotations for a runner that went away (as quoted in actions/runner#2040 and fedimint#6021).
    [
      'The self-hosted runner: ci-7 lost communication with the server. Verify the machine is running and has a healthy network connection.',
      'infra',
    ],
    ['The hosted runner: GitHub Actions 9 lost communication with the server.', 'infra'],
    ['The job running on runner GitHub Actions 3 has exceeded the maximum execution time of 360 minutes.', 'infra'],
    ['npm error 404 Not Found - GET https://registry.npmjs.org/left-padd - Not found', 'build'],
    ['npm error code E503', 'infra'],
    ["Error: Cannot find module 'left-pad'", 'build'],
    ["ModuleNotFoundError: No module named 'requests'", 'build'],
    ['npm ERR! missing script: lint', 'build'],
    ['sh: 1: tsup: not found', 'build'],
    ['bash: make-docs: command not found', 'build'],
    ['error[E0308]: mismatched types', 'build'],
    ['AssertionError: expected 2 to be 6', 'test'],
  ])('%s → %s', (text, kind) => {
    expect(classifyFailure(text, 'test')).toBe(kind);
  });

  it('keeps what the parser knows when nothing stronger is said', () => {
    expect(classifyFailure("'txt' is not defined (no-undef)", 'lint')).toBe('lint');
  });
});
