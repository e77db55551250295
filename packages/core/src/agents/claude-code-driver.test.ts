import { describe, expect, it } from 'vitest';
import { AgentEvent } from '../domain/agent.js';
import { fixture, ofType, replay } from './__fixtures__/replay.js';
import { claudeCodeDriver } from './claude-code-driver.js';

describe('claudeCodeDriver.buildTurn', () => {
  it('runs print mode with stream-JSON, the prompt after `--`, and the key only in secret env', () => {
    const turn = claudeCodeDriver({ apiKey: 'sk-ant-api03-secret-secret-secret' }).buildTurn({ prompt: '--help me', cwd: '/w' });
    expect(turn.argv).toEqual([
      'claude',
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--dangerously-skip-permissions',
      '--',
      '--help me',
    ]);
    expect(turn.env).toEqual({ IS_SANDBOX: '1', DISABLE_AUTOUPDATER: '1' });
    expect(turn.secretEnv).toEqual({ ANTHROPIC_API_KEY: 'sk-ant-api03-secret-secret-secret' });
  });

  it('resumes the session on a follow-up, with the model and extra args', () => {
    const turn = claudeCodeDriver({ model: 'sonnet', sandbox: false, extraArgs: ['--max-turns', '40'] }).buildTurn({
      prompt: 'CI failed',
      sessionId: '6b1f0c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b',
      cwd: '/w',
    });
    expect(turn.argv.slice(6)).toEqual([
      '--resume',
      '6b1f0c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b',
      '--model',
      'sonnet',
      '--max-turns',
      '40',
      '--',
      'CI failed',
    ]);
    expect(turn.env).toEqual({ DISABLE_AUTOUPDATER: '1' });
  });

  it('puts the prompt on stdin when asked', () => {
    const turn = claudeCodeDriver({ promptTransport: 'stdin' }).buildTurn({ prompt: 'hi', cwd: '/w' });
    expect(turn.argv).not.toContain('hi');
    expect(turn.argv).not.toContain('--');
    expect(turn.stdin).toBe('hi');
  });
});

describe('Claude Code stream parser', () => {
  it('counts a message split over several lines once, and takes cost and totals from the result', () => {
    const parser = claudeCodeDriver().createParser();
    const events = replay(parser, fixture('claude-success-turn.jsonl'));
    for (const event of events) expect(AgentEvent.safeParse(event).success).toBe(true);
    expect(ofType(events, 'session')).toEqual([{ type: 'session', sessionId: '6b1f0c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b' }]);
    expect(ofType(events, 'tool-use').map((event) => [event.tool, event.id])).toEqual([
      ['Bash', 'toolu_01XyZ'],
      ['Edit', 'toolu_02Abc'],
    ]);
    expect(ofType(events, 'tool-result')).toEqual([
      {
        type: 'tool-result',
        id: 'toolu_01XyZ',
        isError: true,
        output: "FAIL test/greet.test.ts > greet > says hello\nAssertionError: expected 'Hi, Ada' to be 'Hello, Ada!'",
      },
      { type: 'tool-result', id: 'toolu_02Abc', isError: false, output: 'The file /workspace/repo/src/greet.ts has been updated.' },
    ]);
    // The first message's two lines carry 2 then 91 output tokens: the later line replaces the earlier.
    const usages = ofType(events, 'usage').map((event) => event.usage.outputTokens);
    expect(usages).toEqual([2, 91, 231, 245]);
    const end = parser.finalize({ exitCode: 0, stderrTail: '' });
    expect(end).toEqual({
      outcome: 'completed',
      usage: {
        turns: 1,
        inputTokens: 16,
        outputTokens: 245,
        cacheReadTokens: 43796,
        cacheWriteTokens: 5700,
        costUsd: 0.0421375,
        durationMs: 18240,
      },
    });
  });

  it('fails on error_max_turns with the subtype as the reason', () => {
    const parser = claudeCodeDriver().createParser();
    replay(parser, fixture('claude-max-turns.jsonl'));
    const end = parser.finalize({ exitCode: 1, stderrTail: '' });
    expect(end.outcome).toBe('failed');
    expect(end.reason).toBe('Claude Code reported an error: error_max_turns');
    expect(end.usage?.costUsd).toBe(0.0187);
  });

  it('calls the real "Not logged in" run a start failure (recorded from claude 2.1.197 without a key)', () => {
    const parser = claudeCodeDriver().createParser();
    const events = replay(parser, fixture('claude-not-logged-in.jsonl'));
    expect(ofType(events, 'session')).toHaveLength(1);
    expect(ofType(events, 'result')[0]).toMatchObject({ ok: false, reason: 'Not logged in · Please run /login' });
    const end = parser.finalize({ exitCode: 1, stderrTail: '' });
    expect(end).toMatchObject({ outcome: 'start-failed', reason: 'Claude Code reported an error: Not logged in · Please run /login' });
  });

  it('calls the real run without network (ten API retries, then an error result) a start failure', () => {
    const parser = claudeCodeDriver().createParser();
    const events = replay(parser, fixture('claude-no-network.jsonl'));
    expect(ofType(events, 'notice')).toHaveLength(10);
    expect(ofType(events, 'notice')[0]?.message).toBe('API request failed, retrying (attempt 1 of 10): unknown');
    const end = parser.finalize({ exitCode: 1, stderrTail: '' });
    expect(end.outcome).toBe('start-failed');
    expect(end.reason).toContain('Unable to connect to API (ConnectionRefused)');
  });

  it('calls the same run a start failure when it is killed while still retrying', () => {
    const parser = claudeCodeDriver().createParser();
    const lines = fixture('claude-no-network.jsonl').split('\n').slice(0, 4);
    replay(parser, lines.join('\n'));
    const end = parser.finalize({ exitCode: null, signal: 'SIGKILL', stderrTail: '' });
    expect(end.outcome).toBe('start-failed');
    expect(end.reason).toMatch(/killed by SIGKILL before doing any work \(output: .*API request failed, retrying/);
  });

  it('fails a resume of an unknown session (recorded) with the CLI’s words', () => {
    const parser = claudeCodeDriver().createParser();
    replay(parser, fixture('claude-resume-unknown-session.jsonl'));
    const end = parser.finalize({ exitCode: 1, stderrTail: fixture('claude-resume-unknown-session.stderr.txt') });
    expect(end.outcome).toBe('failed');
    expect(end.reason).toBe(
      'Claude Code reported an error: error_during_execution: No conversation found with session ID: 3f1c2a10-1111-4222-8333-444455556666',
    );
  });
});
