import { describe, expect, it } from 'vitest';
import { classifyFailure } from './classify-failure.js';

describe('classifyFailure', () => {
  it.each([
    ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', 'infra'],
    ['Error: Worker terminated due to reaching memory limit: JS heap out of memory', 'infra'],
    ['npm error code ENOSPC', 'infra'],
    ['npm error network request failed, reason: getaddrinfo EAI_AGAIN', 'infra'],
    ['The runner has received a shutdown signal.', 'infra'],
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
