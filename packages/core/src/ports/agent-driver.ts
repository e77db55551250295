import type { AgentEvent, AgentTurnOutcome } from '../domain/agent.js';
import type { AgentUsage } from '../domain/task.js';

export interface AgentTurnRequest {
  /** The prompt for this turn: the task, CI feedback, or a person's message. */
  prompt: string;
  /** The agent's thread/session id from an earlier turn; absent on the first turn. */
  sessionId?: string;
  /** The repository checkout inside the workspace. */
  cwd: string;
}

/** How to start one agent turn: argv (no shell), environment, stdin. */
export interface AgentInvocation {
  argv: string[];
  /** Non-secret environment. */
  env: Record<string, string>;
  /** Secret environment (API keys). Passed to exactly one exec and fed to the redactor. */
  secretEnv: Record<string, string>;
  /** Text for the process's stdin, if the prompt travels that way. */
  stdin?: string;
}

export interface AgentProcessEnd {
  exitCode: number | null;
  signal?: string;
  /** The last few KB of stderr, for the reason of a failure. */
  stderrTail: string;
}

export interface AgentTurnEnd {
  outcome: AgentTurnOutcome;
  /** Why a turn failed, in words a person can act on. */
  reason?: string;
  usage?: Partial<AgentUsage>;
}

/** Reads one turn's stdout. Stateful: one parser per turn. */
export interface AgentStreamParser {
  /** Parses one line (without its newline). Unknown lines become `notice` events, never throws. */
  parseLine(line: string): AgentEvent[];
  /**
   * Decides how the turn ended once the process exited. A stream without a result line is a
   * failure (or `start-failed` when the agent never got going), whatever the exit code.
   */
  finalize(end: AgentProcessEnd): AgentTurnEnd;
}

/**
 * One coding agent CLI. Pure: it builds invocations and parses output; the orchestrator runs
 * them through the container runtime.
 */
export interface AgentDriver {
  readonly kind: string;
  /** The invocation for a turn; a first turn when `request.sessionId` is absent. */
  buildTurn(request: AgentTurnRequest): AgentInvocation;
  createParser(): AgentStreamParser;
}
