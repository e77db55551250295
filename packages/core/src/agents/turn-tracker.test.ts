import { describe, expect, it } from 'vitest';
import { fixture, replay } from './__fixtures__/replay.js';
import { ampDriver } from './amp-driver.js';
import { claudeCodeDriver } from './claude-code-driver.js';
import { codexDriver } from './codex-driver.js';

const ampStarted = fixture('amp-success-turn.jsonl').split('\n');
/** The success turn cut before its result line: the agent was working when it stopped. */
const ampWithoutResult = ampStarted.slice(0, -2).join('\n');

describe('finalize: every way a turn can end', () => {
  it('result ok → completed, whatever the exit code', () => {
    const parser = ampDriver().createParser();
    replay(parser, fixture('amp-success-turn.jsonl'));
    expect(parser.finalize({ exitCode: 0, stderrTail: '' }).outcome).toBe('completed');
  });

  it('result error after work → failed with the agent’s reason', () => {
    const parser = ampDriver().createParser();
    replay(parser, fixture('amp-error-result.jsonl'));
    expect(parser.finalize({ exitCode: 0, stderrTail: '' })).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('context window'),
    });
  });

  it('no result + exit 0 → failed, saying so', () => {
    const parser = ampDriver().createParser();
    replay(parser, ampWithoutResult);
    expect(parser.finalize({ exitCode: 0, stderrTail: '' })).toMatchObject({
      outcome: 'failed',
      reason: 'Amp stopped without a result: the process exited with code 0',
    });
  });

  it('no result + SIGKILL mid-turn (the timeout) → failed, naming the signal and quoting stderr', () => {
    const parser = ampDriver().createParser();
    replay(parser, ampWithoutResult);
    const end = parser.finalize({ exitCode: null, signal: 'SIGKILL', stderrTail: 'warn: slow tool\nstill running npm test\n' });
    expect(end).toMatchObject({
      outcome: 'failed',
      reason: 'Amp stopped without a result: the process was killed by SIGKILL (stderr: warn: slow tool | still running npm test)',
    });
    // The usage spent so far is still reported.
    expect(end.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('no result + crash with a code after work → failed, with the exit code', () => {
    const parser = claudeCodeDriver().createParser();
    replay(parser, fixture('claude-success-turn.jsonl').split('\n').slice(0, 4).join('\n'));
    expect(parser.finalize({ exitCode: 134, stderrTail: 'Aborted (core dumped)' })).toMatchObject({
      outcome: 'failed',
      reason: 'Claude Code stopped without a result: the process exited with code 134 (stderr: Aborted (core dumped))',
    });
  });

  it('no output at all + killed → start-failed (hung before starting, e.g. waiting for a login)', () => {
    const parser = codexDriver().createParser();
    expect(parser.finalize({ exitCode: null, signal: 'SIGTERM', stderrTail: '' })).toMatchObject({
      outcome: 'start-failed',
      reason: 'Codex did not get going: the process was killed by SIGTERM before doing any work',
    });
  });

  it('binary missing (exit 127, ENOENT) → start-failed', () => {
    const parser = ampDriver().createParser();
    expect(parser.finalize({ exitCode: 127, stderrTail: 'exec: "amp": executable file not found in $PATH' })).toMatchObject({
      outcome: 'start-failed',
      reason: expect.stringContaining('could not be started: the process exited with code 127'),
    });
    expect(ampDriver().createParser().finalize({ exitCode: 1, stderrTail: 'spawn amp ENOENT' }).outcome).toBe('start-failed');
  });

  it('no output, exit 1, a usage error → failed (a wrong flag is not retried as a start failure)', () => {
    const parser = ampDriver().createParser();
    expect(parser.finalize({ exitCode: 1, stderrTail: "Error: error: unknown option '--bogus'\n" })).toMatchObject({
      outcome: 'failed',
      reason: "Amp stopped without a result: the process exited with code 1 (stderr: Error: error: unknown option '--bogus')",
    });
  });

  it('an auth-looking error after real work stays a failure', () => {
    const parser = ampDriver().createParser();
    replay(parser, ampWithoutResult);
    expect(parser.finalize({ exitCode: 1, stderrTail: 'Error: 401 Unauthorized' }).outcome).toBe('failed');
  });

  it('keeps only the tail of a long stderr in the reason', () => {
    const parser = ampDriver().createParser();
    replay(parser, ampWithoutResult);
    const stderr = Array.from({ length: 500 }, (_, index) => `line ${index}`).join('\n');
    const reason = parser.finalize({ exitCode: 2, stderrTail: stderr }).reason ?? '';
    expect(reason).toContain('line 499');
    expect(reason).not.toContain('line 100 ');
    expect(reason.length).toBeLessThan(800);
  });
});
