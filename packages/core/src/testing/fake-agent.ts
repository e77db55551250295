import { AgentEvent } from '../domain/agent.js';
import type { AgentUsage } from '../domain/task.js';
import type { AgentDriver, AgentStreamParser } from '../ports/agent-driver.js';
import type { FakeCommand, FakeWorkspaceState } from './fake-container-runtime.js';

export interface FakeTurnInput {
  prompt: string;
  sessionId: string | undefined;
  /** 1-based count of turns this fake agent has run, across tasks. */
  turnNumber: number;
  workspace: FakeWorkspaceState;
}

/**
 * What one fake turn does. `outcome`:
 * - `ok` / `error`: ends with a result line; `crash`: exits 137 without one;
 * - `start-fail`: dies before any output (like an outage); `hang`: waits until cancelled.
 */
export interface FakeTurnScript {
  edits?: Record<string, string>;
  messages?: string[];
  outcome?: 'ok' | 'error' | 'crash' | 'start-fail' | 'hang';
  usage?: Partial<AgentUsage>;
  error?: string;
}

export interface FakeTurnRecord {
  prompt: string;
  sessionId: string;
  workspaceId: string;
  secretEnvSeen: boolean;
}

export interface FakeAgent {
  driver: AgentDriver;
  /** Register under {@link FakeAgent.binary} in the fake runtime. */
  command: FakeCommand;
  binary: string;
  /** Every turn that ran, in order. */
  readonly turns: readonly FakeTurnRecord[];
  /** The API key the driver passes as secret env; tests assert it never leaks. */
  readonly apiKey: string;
}

/**
 * An agent for core's tests: its driver is a real {@link AgentDriver} (argv, secret env, a line
 * parser) and its process is a {@link FakeCommand} that follows `script` and prints one JSON
 * `AgentEvent` per line.
 */
export const createFakeAgent = (script: (input: FakeTurnInput) => FakeTurnScript | Promise<FakeTurnScript>): FakeAgent => {
  const binary = 'fake-agent';
  const apiKey = 'fake-agent-api-key-9f8e7d6c5b4a';
  const turns: FakeTurnRecord[] = [];
  let sessions = 0;

  const command: FakeCommand = async ({ argv, env, stdin, workspace, write, signal }) => {
    const sessionIndex = argv.indexOf('--session');
    const given = sessionIndex >= 0 ? argv[sessionIndex + 1] : undefined;
    const turn = await script({ prompt: stdin, sessionId: given, turnNumber: turns.length + 1, workspace });
    if (turn.outcome === 'start-fail') {
      write('stderr', `${turn.error ?? 'connect ECONNREFUSED: the agent service is unavailable'}\n`);
      return 1;
    }
    const sessionId = given ?? `T-fake-${++sessions}`;
    turns.push({ prompt: stdin, sessionId, workspaceId: workspace.id, secretEnvSeen: env.FAKE_AGENT_API_KEY === apiKey });
    const emit = (event: AgentEvent) => write('stdout', `${JSON.stringify(event)}\n`);
    emit({ type: 'session', sessionId });
    for (const message of turn.messages ?? []) emit({ type: 'text', text: message });
    for (const [path, content] of Object.entries(turn.edits ?? {})) {
      emit({ type: 'tool-use', tool: 'edit_file', input: path });
      workspace.files.set(path, content);
    }
    if (turn.outcome === 'hang') {
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    }
    if (turn.outcome === 'crash') {
      write('stderr', 'Segmentation fault\n');
      return 137;
    }
    const usage = { inputTokens: 100, outputTokens: 20, turns: 1, ...turn.usage };
    emit(
      turn.outcome === 'error'
        ? { type: 'result', ok: false, reason: turn.error ?? 'the agent gave up', usage }
        : { type: 'result', ok: true, usage },
    );
    return 0;
  };

  const createParser = (): AgentStreamParser => {
    let result: Extract<AgentEvent, { type: 'result' }> | undefined;
    let sawOutput = false;
    return {
      parseLine(line) {
        sawOutput = true;
        let parsed: ReturnType<typeof AgentEvent.safeParse>;
        try {
          parsed = AgentEvent.safeParse(JSON.parse(line));
        } catch {
          return [{ type: 'notice', message: line }];
        }
        if (!parsed.success) return [{ type: 'notice', message: line }];
        if (parsed.data.type === 'result') result = parsed.data;
        return [parsed.data];
      },
      finalize({ exitCode, signal, stderrTail }) {
        if (result) {
          return result.ok
            ? { outcome: 'completed', ...(result.usage ? { usage: result.usage } : {}) }
            : {
                outcome: 'failed',
                reason: result.reason ?? 'the agent reported an error',
                ...(result.usage ? { usage: result.usage } : {}),
              };
        }
        const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
        const detail = stderrTail.trim() ? `: ${stderrTail.trim().split('\n').at(-1)}` : '';
        return { outcome: sawOutput ? 'failed' : 'start-failed', reason: `the agent ${how} without a result${detail}` };
      },
    };
  };

  const driver: AgentDriver = {
    kind: 'fake',
    buildTurn({ prompt, sessionId }) {
      return {
        argv: [binary, 'run', ...(sessionId ? ['--session', sessionId] : [])],
        env: { FAKE_AGENT_MODE: 'test' },
        secretEnv: { FAKE_AGENT_API_KEY: apiKey },
        stdin: prompt,
      };
    },
    createParser,
  };
  return { driver, command, binary, turns, apiKey };
};
