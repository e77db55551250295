import { describe, expect, it } from 'vitest';
import { AgentEvent } from '../domain/agent.js';
import { fixture, ofType, replay } from './__fixtures__/replay.js';
import { codexDriver } from './codex-driver.js';

describe('codexDriver.buildTurn', () => {
  it('runs exec --json with the prompt after `--`', () => {
    const turn = codexDriver({ apiKey: 'sk-proj-secret-secret-secret-secret-0000' }).buildTurn({ prompt: '-v please', cwd: '/w' });
    expect(turn.argv).toEqual([
      'codex',
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--dangerously-bypass-approvals-and-sandbox',
      '--',
      '-v please',
    ]);
    expect(turn.secretEnv).toEqual({ CODEX_API_KEY: 'sk-proj-secret-secret-secret-secret-0000' });
    expect(turn.env).toEqual({});
  });

  it('resumes the thread on a follow-up, options before the subcommand', () => {
    const turn = codexDriver({ model: 'gpt-5-codex' }).buildTurn({
      prompt: 'CI failed',
      sessionId: '0199a213-81c0-7800-8aa1-bbab2a035a53',
      cwd: '/w',
    });
    expect(turn.argv.slice(5)).toEqual(['--model', 'gpt-5-codex', 'resume', '0199a213-81c0-7800-8aa1-bbab2a035a53', '--', 'CI failed']);
  });

  it('reads the prompt from stdin with `-` when it is too big for argv', () => {
    const prompt = 'x'.repeat(70 * 1024);
    const turn = codexDriver().buildTurn({ prompt, sessionId: 'abc', cwd: '/w' });
    expect(turn.argv.slice(-3)).toEqual(['resume', 'abc', '-']);
    expect(turn.stdin).toBe(prompt);
  });
});

describe('Codex stream parser', () => {
  it('reads a whole turn: thread id, commands with their results, file changes, message, usage', () => {
    const parser = codexDriver().createParser();
    const events = replay(parser, fixture('codex-success-turn.jsonl'));
    for (const event of events) expect(AgentEvent.safeParse(event).success).toBe(true);
    expect(events).toEqual([
      { type: 'session', sessionId: '0199a213-81c0-7800-8aa1-bbab2a035a53' },
      { type: 'tool-use', tool: 'command_execution', id: 'item_1', input: "bash -lc 'npm test'" },
      {
        type: 'tool-result',
        id: 'item_1',
        isError: true,
        output: "FAIL test/greet.test.ts\n  expected 'Hi' to be 'Hello'\n",
      },
      { type: 'tool-use', tool: 'file_change', id: 'item_2', input: '["update /workspace/repo/src/greet.ts"]' },
      { type: 'tool-result', id: 'item_2', isError: false },
      { type: 'tool-use', tool: 'command_execution', id: 'item_3', input: "bash -lc 'npm test'" },
      { type: 'tool-result', id: 'item_3', isError: false, output: 'Tests  3 passed (3)\n' },
      { type: 'text', text: 'Fixed `greet` to return `Hello, <name>!`; all 3 tests pass.' },
      { type: 'result', ok: true, usage: { inputTokens: 315, cacheReadTokens: 24448, outputTokens: 122 } },
    ]);
    expect(parser.finalize({ exitCode: 0, stderrTail: '' })).toEqual({
      outcome: 'completed',
      usage: { turns: 1, inputTokens: 315, cacheReadTokens: 24448, outputTokens: 122 },
    });
  });

  it('takes turn.failed as the result, and an auth failure before any work as a start failure', () => {
    const parser = codexDriver().createParser();
    const events = replay(parser, fixture('codex-turn-failed.jsonl'));
    expect(ofType(events, 'error')).toHaveLength(1);
    expect(ofType(events, 'result')[0]).toMatchObject({
      ok: false,
      reason: 'unexpected status 401 Unauthorized: Incorrect API key provided',
    });
    expect(parser.finalize({ exitCode: 1, stderrTail: '' })).toMatchObject({
      outcome: 'start-failed',
      reason: 'Codex reported an error: unexpected status 401 Unauthorized: Incorrect API key provided',
    });
  });

  it('calls the real run without network, killed while "waiting for network", a start failure', () => {
    const parser = codexDriver().createParser();
    const events = replay(parser, fixture('codex-no-network.jsonl'));
    expect(ofType(events, 'session')).toHaveLength(1);
    expect(ofType(events, 'error').length).toBeGreaterThanOrEqual(4);
    expect(ofType(events, 'result')).toEqual([]);
    const end = parser.finalize({ exitCode: null, signal: 'SIGKILL', stderrTail: fixture('codex-no-network.stderr.txt') });
    expect(end.outcome).toBe('start-failed');
    expect(end.reason).toContain('killed by SIGKILL before doing any work');
  });

  it('fails a resume of an unknown thread (recorded: no JSON, exit 1) quoting stderr', () => {
    const parser = codexDriver().createParser();
    const end = parser.finalize({ exitCode: 1, stderrTail: fixture('codex-resume-unknown-thread.stderr.txt') });
    expect(end.outcome).toBe('failed');
    expect(end.reason).toContain('no rollout found for thread id 0199a213-81c0-7800-8aa1-bbab2a035a53');
  });

  it('turns unknown lines into notices', () => {
    const parser = codexDriver().createParser();
    expect(parser.parseLine('{"type":"turn.paused"}')).toEqual([{ type: 'notice', message: 'unrecognised turn.paused line' }]);
    expect(parser.parseLine('Reading additional input from stdin...')).toEqual([
      { type: 'notice', message: 'Reading additional input from stdin...' },
    ]);
    expect(parser.parseLine('{"type":"item.completed","item":{"id":"r","type":"reasoning","text":"hm"}}')).toEqual([]);
  });
});
