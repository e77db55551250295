import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type AgentDriver, type AgentEvent, type AgentTurnEnd, ampDriver, claudeCodeDriver } from '@ampo/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptedAgentScenario, type ScriptedAgentScenarioInput } from './scenario.js';
import { readScriptedAgentThread, scriptedAgentBin, scriptedAgentScenarioEnv, writeScenario } from './scripted-agent-files.js';

interface TurnRun {
  events: AgentEvent[];
  end: AgentTurnEnd;
  exitCode: number | null;
  signal: string | null;
  stderr: string;
}

let home: string;
let repo: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'ampo-scripted-home-'));
  repo = await mkdtemp(join(tmpdir(), 'ampo-scripted-repo-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(repo, { recursive: true, force: true });
});

/**
 * Runs one turn as the orchestrator does: the driver's argv without a shell, its env, stdin
 * closed unless the prompt travels there, stdout parsed line by line. `killWhen` kills the process
 * with SIGKILL once stderr contains the text (the orchestrator's timeout, without waiting on time).
 */
const runTurn = (driver: AgentDriver, prompt: string, sessionId?: string, killWhen?: string): Promise<TurnRun> => {
  const invocation = driver.buildTurn({ prompt, cwd: repo, ...(sessionId ? { sessionId } : {}) });
  const [command, ...args] = invocation.argv;
  const child = spawn(command ?? '', args, {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...invocation.env, ...invocation.secretEnv },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(invocation.stdin ?? '');
  const parser = driver.createParser();
  const events: AgentEvent[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (killWhen && stderr.includes(killWhen)) child.kill('SIGKILL');
  });
  createInterface({ input: child.stdout }).on('line', (line) => events.push(...parser.parseLine(line)));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      const end = parser.finalize({ exitCode, ...(signal ? { signal } : {}), stderrTail: stderr.slice(-4096) });
      resolve({ events, end, exitCode, signal, stderr });
    });
  });
};

const ofType = <T extends AgentEvent['type']>(events: AgentEvent[], type: T) =>
  events.filter((event): event is Extract<AgentEvent, { type: T }> => event.type === type);

const amp = ampDriver({ binary: scriptedAgentBin });

const ciLoopScenario: ScriptedAgentScenarioInput = {
  steps: [
    {
      name: 'introduce a failing test and a lint error',
      when: '^Add a sum function',
      files: {
        'src/sum.js': 'var unused = 1;\nexport const sum = (a, b) => a - b;\n',
        'test/sum.test.js': "import { sum } from '../src/sum.js';\nif (sum(1, 2) !== 3) throw new Error('sum(1, 2) should be 3');\n",
      },
      commands: [['node', '--version']],
      messages: ['Added sum and its test.'],
    },
    {
      name: 'fix what CI reported',
      when: 'CI failed',
      files: { 'src/sum.js': 'export const sum = (a, b) => a + b;\n' },
      commands: [['node', 'test/sum.test.js']],
      messages: ['Fixed sum and removed the unused variable.'],
    },
  ],
};

describe('ampo-scripted-agent as Amp, through the real Amp driver', () => {
  it('runs a first turn and a follow-up on the same thread, recording both prompts', async () => {
    await writeScenario(repo, ciLoopScenario);
    const first = await runTurn(amp, 'Add a sum function with a test');
    expect(first.exitCode).toBe(0);
    expect(first.end).toMatchObject({ outcome: 'completed' });
    const [session] = ofType(first.events, 'session');
    expect(session?.sessionId).toMatch(/^T-[0-9a-f-]{36}$/);
    expect(ofType(first.events, 'text')[0]?.text).toContain('[scripted agent]');
    expect(ofType(first.events, 'tool-use').map((event) => event.tool)).toEqual(['create_file', 'create_file', 'Bash']);
    expect(ofType(first.events, 'tool-result').map((event) => event.isError)).toEqual([false, false, false]);
    expect(ofType(first.events, 'result')[0]).toMatchObject({ ok: true, usage: { inputTokens: 500, outputTokens: 100 } });
    expect(await readFile(join(repo, 'src/sum.js'), 'utf8')).toContain('a - b');

    const feedback = 'CI failed on your last commit.\ncheck "test": sum(1, 2) should be 3\ncheck "lint": src/sum.js:1 unused variable';
    const followUp = await runTurn(amp, feedback, session?.sessionId);
    expect(followUp.end.outcome).toBe('completed');
    expect(ofType(followUp.events, 'session')).toEqual([session]);
    expect(ofType(followUp.events, 'tool-result').at(-1)).toMatchObject({ isError: false });
    expect(await readFile(join(repo, 'src/sum.js'), 'utf8')).toBe('export const sum = (a, b) => a + b;\n');

    const thread = await readScriptedAgentThread(home, session?.sessionId ?? '');
    expect(thread.prompts.map((entry) => [entry.prompt, entry.step])).toEqual([
      ['Add a sum function with a test', 'introduce a failing test and a lint error'],
      [feedback, 'fix what CI reported'],
    ]);
  });

  it('reports a failing command as a failed tool result without ending the turn', async () => {
    const path = await writeScenario(repo, { steps: [{ commands: [['node', '-e', 'process.exit(3)']] }] });
    expect(path).toBe(join(repo, '.ampo/scripted-agent.json'));
    const run = await runTurn(amp, 'anything');
    expect(ofType(run.events, 'tool-result')).toEqual([
      expect.objectContaining({ isError: true, output: expect.stringContaining('exit code 3') }),
    ]);
    expect(run.end.outcome).toBe('completed');
  });

  it('ends with an error result but exits 0, as Amp does', async () => {
    await writeScenario(repo, { steps: [{ end: 'error', reason: 'the scenario says no' }] });
    const run = await runTurn(amp, 'anything');
    expect(run.exitCode).toBe(0);
    expect(run.end).toMatchObject({ outcome: 'failed', reason: 'Amp reported an error: error_during_execution: the scenario says no' });
  });

  it('dies without a result: exit 0 → failed with a clear reason', async () => {
    await writeScenario(repo, { steps: [{ messages: ['working…'], end: 'exit' }] });
    const run = await runTurn(amp, 'anything');
    expect(run.exitCode).toBe(0);
    expect(run.end.outcome).toBe('failed');
    expect(run.end.reason).toMatch(/^Amp stopped without a result: the process exited with code 0 \(stderr: .*exiting without a result/);
  });

  it('crashes: killed by SIGKILL mid-turn → failed, naming the signal', async () => {
    await writeScenario(repo, { steps: [{ files: { 'a.txt': 'a' }, end: 'crash' }] });
    const run = await runTurn(amp, 'anything');
    expect(run.signal).toBe('SIGKILL');
    expect(run.end.outcome).toBe('failed');
    expect(run.end.reason).toMatch(/^Amp stopped without a result: the process was killed by SIGKILL/);
  });

  it('hangs until the orchestrator kills it → failed, naming the signal', async () => {
    await writeScenario(repo, { steps: [{ messages: ['thinking very hard'], end: 'hang' }] });
    const run = await runTurn(amp, 'anything', undefined, 'hanging until killed');
    expect(run.signal).toBe('SIGKILL');
    expect(run.end).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('Amp stopped without a result: the process was killed by SIGKILL'),
    });
  });

  it('answers a prompt no step matches with an error result', async () => {
    await writeScenario(repo, { steps: [{ when: 'never matches' }] });
    const run = await runTurn(amp, 'something else');
    expect(run.end).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('no scenario step matches the prompt') });
  });

  it('prints stamped lines at a steady rate for benchmarks, which the Amp parser takes as notices', async () => {
    await writeScenario(repo, { steps: [{ name: 'print', printLines: { count: 300, perSecond: 1000 }, messages: ['done'] }] });
    const started = Date.now();
    const run = await runTurn(amp, 'print some lines');
    expect(run.end).toMatchObject({ outcome: 'completed' });
    const lines = ofType(run.events, 'notice')
      .map((event) => event.message)
      .filter((message) => message.startsWith('ampo-line '));
    expect(lines).toHaveLength(300);
    const stamps = lines.map((line) => line.split(' ').map(Number));
    expect(stamps.map(([, n]) => n)).toEqual(stamps.map((_, index) => index + 1));
    // Spread over time, not printed at once: the last line comes at least ~0.25 s after the first.
    const first = stamps[0]?.[2] ?? 0;
    const last = stamps.at(-1)?.[2] ?? 0;
    expect(first).toBeGreaterThanOrEqual(started);
    expect(last - first).toBeGreaterThanOrEqual(250);
  });

  it('prints raw lines as they are: broken stream-JSON becomes notices and the turn carries on', async () => {
    const truncated = '{"type":"assistant","message":{"content":[{"type":"text","text":"cut off';
    // Nested deep and one brace short: JSON.parse must give up on it without taking the parser down.
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(19_999)}`;
    await writeScenario(repo, { steps: [{ name: 'raw', printRaw: [truncated, '{', '[1, 2', deep], messages: ['done anyway'] }] });
    const run = await runTurn(amp, 'print broken json');
    expect(run.end).toMatchObject({ outcome: 'completed' });
    const notices = ofType(run.events, 'notice').map((event) => event.message);
    expect(notices).toEqual(expect.arrayContaining([truncated, '{', '[1, 2']));
    // Its notice is clipped.
    expect(notices.some((message) => message.startsWith('{"a":{"a":') && message.length < 1_000)).toBe(true);
    expect(ofType(run.events, 'text').map((event) => event.text)).toContain('done anyway');
  });

  it('takes the scenario from the environment variable over the repository’s own, and a step at most maxUses times', async () => {
    await writeScenario(repo, { steps: [{ end: 'error' }] });
    const elsewhere = await writeScenario(home, {
      steps: [
        { name: 'once', maxUses: 1, messages: ['first'] },
        { name: 'then', end: 'error', reason: 'used up' },
      ],
    });
    const driver = ampDriver({ binary: scriptedAgentBin, env: { [scriptedAgentScenarioEnv]: elsewhere } });
    expect((await runTurn(driver, 'go')).end.outcome).toBe('completed');
    expect((await runTurn(driver, 'go')).end.reason).toContain('used up');
  });

  it('reads a large prompt from stdin', async () => {
    await writeScenario(repo, { steps: [{ when: 'needle$', messages: ['found it'] }] });
    const prompt = `${'hay '.repeat(30_000)}needle`;
    const run = await runTurn(ampDriver({ binary: scriptedAgentBin }), prompt);
    expect(run.end.outcome).toBe('completed');
    const thread = await readScriptedAgentThread(home, ofType(run.events, 'session')[0]?.sessionId ?? '');
    expect(thread.prompts[0]?.prompt).toBe(prompt);
  });

  it('refuses an unknown option and an unknown thread as the real CLI does', async () => {
    await writeScenario(repo, { steps: [{}] });
    const bogus = await runTurn(ampDriver({ binary: scriptedAgentBin, extraArgs: ['--bogus'] }), 'x');
    expect(bogus.exitCode).toBe(1);
    expect(bogus.stderr).toContain("unknown option '--bogus'");
    const lost = await runTurn(amp, 'x', 'T-00000000-0000-4000-8000-000000000000');
    expect(lost.exitCode).toBe(1);
    expect(lost.end).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('not found') });
  });
});

describe('ampo-scripted-agent as Claude Code, through the real Claude Code driver', () => {
  const claude = claudeCodeDriver({ binary: scriptedAgentBin });

  it('runs a first turn and a resumed one, with cost in the result', async () => {
    await writeScenario(repo, {
      steps: [
        { when: 'first', files: { 'x.txt': 'x' }, messages: ['ok'], usage: { costUsd: 0.25 } },
        { when: 'second', end: 'error', reason: 'no luck' },
      ],
    });
    const first = await runTurn(claude, 'the first turn');
    expect(first.end).toMatchObject({ outcome: 'completed', usage: { costUsd: 0.25 } });
    expect(ofType(first.events, 'tool-use')[0]?.tool).toBe('Write');
    const sessionId = ofType(first.events, 'session')[0]?.sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const second = await runTurn(claude, 'the second turn', sessionId);
    expect(second.exitCode).toBe(1);
    expect(second.end).toMatchObject({ outcome: 'failed', reason: 'Claude Code reported an error: error_during_execution: no luck' });
  });

  it('refuses --dangerously-skip-permissions as root without IS_SANDBOX, as Claude Code does', async () => {
    if (process.getuid?.() !== 0) return;
    await writeScenario(repo, { steps: [{}] });
    const run = await runTurn(claudeCodeDriver({ binary: scriptedAgentBin, sandbox: false }), 'x');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('cannot be used with root/sudo privileges');
  });
});

describe('ScriptedAgentScenario', () => {
  it('rejects a step whose `when` is not a regular expression, and unknown fields', () => {
    expect(ScriptedAgentScenario.safeParse({ steps: [{ when: '(' }] }).success).toBe(false);
    expect(ScriptedAgentScenario.safeParse({ steps: [{ wen: 'x' }] }).success).toBe(false);
    expect(ScriptedAgentScenario.parse({ steps: [{}] }).steps[0]?.end).toBe('ok');
  });
});
