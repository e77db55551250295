import { describe, expect, it } from 'vitest';
import { AgentEvent } from '../domain/agent.js';
import { fixture, ofType, replay } from './__fixtures__/replay.js';
import { ampDriver, ampSettingsFileContent } from './amp-driver.js';

describe('ampDriver.buildTurn', () => {
  it('starts a new, unarchived thread with the prompt as one argument', () => {
    const turn = ampDriver({ apiKey: 'sgamp_user_secret_value_1234' }).buildTurn({
      prompt: '-rm -rf / ; $(echo "quoted")\nsecond line',
      cwd: '/workspace/repo',
    });
    expect(turn.argv).toEqual([
      'amp',
      '--dangerously-allow-all',
      '--no-archive-after-execute',
      '--stream-json',
      '--execute=-rm -rf / ; $(echo "quoted")\nsecond line',
    ]);
    expect(turn.secretEnv).toEqual({ AMP_API_KEY: 'sgamp_user_secret_value_1234' });
    expect(JSON.stringify([turn.argv, turn.env])).not.toContain('sgamp_user_secret_value_1234');
    expect(turn.stdin).toBeUndefined();
  });

  it('continues the saved thread on a follow-up', () => {
    const turn = ampDriver({ binary: '/usr/local/bin/ampo-scripted-agent', mode: 'rush', extraArgs: ['--log-level', 'warn'] }).buildTurn({
      prompt: 'CI failed: fix it',
      sessionId: 'T-5c1f9a3e-7d42-4b8e-9f10-2a6b3c4d5e6f',
      cwd: '/workspace/repo',
    });
    expect(turn.argv).toEqual([
      '/usr/local/bin/ampo-scripted-agent',
      'threads',
      'continue',
      'T-5c1f9a3e-7d42-4b8e-9f10-2a6b3c4d5e6f',
      '--dangerously-allow-all',
      '--stream-json',
      '--mode',
      'rush',
      '--log-level',
      'warn',
      '--execute=CI failed: fix it',
    ]);
    expect(turn.secretEnv).toEqual({});
  });

  it('moves a prompt too large for one argument to stdin', () => {
    const prompt = 'é'.repeat(40_000);
    const turn = ampDriver().buildTurn({ prompt, cwd: '/w' });
    expect(turn.argv.at(-1)).toBe('--execute');
    expect(turn.stdin).toBe(prompt);
  });

  it('writes settings that turn self-update off', () => {
    expect(JSON.parse(ampSettingsFileContent)).toEqual({ 'amp.updates.mode': 'disabled' });
  });
});

describe('Amp stream parser', () => {
  it('reads a whole turn: thread id, text, tool calls, results, usage, result', () => {
    const parser = ampDriver().createParser();
    const events = replay(parser, fixture('amp-success-turn.jsonl'));
    for (const event of events) expect(AgentEvent.safeParse(event).success).toBe(true);

    expect(ofType(events, 'session')).toEqual([{ type: 'session', sessionId: 'T-5c1f9a3e-7d42-4b8e-9f10-2a6b3c4d5e6f' }]);
    expect(ofType(events, 'tool-use').map((event) => event.tool)).toEqual(['Bash', 'create_file', 'Bash']);
    expect(ofType(events, 'tool-use')[0]).toEqual({ type: 'tool-use', tool: 'Bash', id: 'toolu_01', input: '{"cmd":"ls src test"}' });
    expect(ofType(events, 'tool-result').map((event) => [event.id, event.isError])).toEqual([
      ['toolu_01', false],
      ['toolu_02', false],
      ['toolu_03', true],
    ]);
    expect(ofType(events, 'text')[0]?.text).toBe("I'll look at the project layout first.");
    expect(ofType(events, 'notice')).toEqual([]);
    // Amp's result line carries no usage: the turn's usage is the sum over its four messages.
    const result = ofType(events, 'result')[0];
    expect(result).toMatchObject({ ok: true, usage: { inputTokens: 52213, outputTokens: 166, durationMs: 41877 } });
    expect(parser.finalize({ exitCode: 0, stderrTail: '' })).toEqual({
      outcome: 'completed',
      usage: {
        turns: 1,
        inputTokens: 52213,
        outputTokens: 166,
        cacheReadTokens: 51329,
        cacheWriteTokens: 367,
        durationMs: 41877,
      },
    });
  });

  it('fails a turn whose result is an error, although Amp exits 0', () => {
    const parser = ampDriver().createParser();
    const events = replay(parser, fixture('amp-error-result.jsonl'));
    expect(ofType(events, 'result')).toEqual([
      {
        type: 'result',
        ok: false,
        reason: 'error_during_execution: Model provider returned an error: context window exceeded',
        usage: { inputTokens: 9000, outputTokens: 30, cacheReadTokens: 8800, cacheWriteTokens: 120, durationMs: 20511 },
      },
    ]);
    const end = parser.finalize({ exitCode: 0, stderrTail: '' });
    expect(end.outcome).toBe('failed');
    expect(end.reason).toBe('Amp reported an error: error_during_execution: Model provider returned an error: context window exceeded');
  });

  it('calls a turn that waited for a login until it was killed a start failure, without the login link', () => {
    const parser = ampDriver().createParser();
    const events = replay(parser, fixture('amp-no-api-key.stdout.txt'));
    expect(ofType(events, 'notice')[0]).toEqual({ type: 'notice', message: 'No API key found. Starting login flow...' });
    expect(JSON.stringify(events)).toContain('authToken=[redacted]');
    expect(JSON.stringify(events)).not.toMatch(/authToken=0{8}/);
    const end = parser.finalize({ exitCode: null, signal: 'SIGKILL', stderrTail: '' });
    expect(end.outcome).toBe('start-failed');
    expect(end.reason).toContain('was killed by SIGKILL');
    expect(end.reason).toContain('No API key found');
  });

  it.each([
    ['amp-invalid-api-key.stderr.txt', 'start-failed', 'Invalid or missing API key'],
    ['amp-no-network.stderr.txt', 'start-failed', "Couldn't connect to the Amp server"],
    ['amp-unexpected-error.stderr.txt', 'failed', 'Unexpected error inside Amp CLI'],
  ])('classifies a CLI that exits 1 with stderr %s as %s', (file, outcome, quote) => {
    const parser = ampDriver().createParser();
    const end = parser.finalize({ exitCode: 1, stderrTail: fixture(file) });
    expect(end.outcome).toBe(outcome);
    expect(end.reason).toContain('exited with code 1');
    expect(end.reason).toContain(quote);
  });

  it('turns any line it does not know into a notice and never throws', () => {
    const parser = ampDriver().createParser();
    const lines = [
      '',
      '   ',
      'plain text',
      '{"type":"mystery"}',
      '{broken json',
      '[1,2]',
      '{"type":"assistant"}',
      'null',
      '{"type":"result"}',
    ];
    const events = lines.flatMap((line) => parser.parseLine(line));
    expect(ofType(events, 'notice').map((event) => event.message)).toEqual([
      'plain text',
      'unrecognised mystery line',
      '{broken json',
      '[1,2]',
      'assistant line without a message',
      'null',
    ]);
  });
});
