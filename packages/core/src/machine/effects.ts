import type { CiRerun } from '../domain/ci.js';
import type { TurnReason } from '../domain/events.js';
import type { TimedPhase } from '../domain/task.js';

/**
 * What `transition` asks the interpreter to do. Effects are data; running them through the ports
 * produces new events.
 */
export type Effect =
  /** Queue for a concurrency slot; the interpreter answers with `task-started`. */
  | { type: 'request-slot' }
  | { type: 'release-slot' }
  /** Find the task's workspace (after a restart) or create it; answers `workspace-created`. */
  | { type: 'create-workspace' }
  /** Clone the repository and create the task branch; answers `repo-cloned`. */
  | { type: 'clone-repository' }
  /** Run one agent turn; answers `agent-turn-started`, `agent-output`…, `agent-turn-ended`. */
  | {
      type: 'run-agent-turn';
      turn: number;
      reason: TurnReason;
      prompt: string;
      sessionId?: string;
      /** Set after a restart: re-attach to this turn's process if it is still there. */
      resume?: { executionId?: string };
    }
  /** Commit the agent's changes and push the branch; answers `branch-pushed`. */
  | { type: 'push-branch' }
  /** Find or open the pull request; answers `pull-request-opened`. */
  | { type: 'open-pull-request' }
  /** Refresh the pull request body (attempt history). Best effort, answers nothing. */
  | { type: 'update-pull-request' }
  /**
   * Follow CI for `sha`; answers `ci-run-started`, `ci-status-changed`…, `ci-run-end`. With
   * `rerun`, CI is first asked to run those failed checks of the same commit again.
   */
  | { type: 'watch-ci'; sha: string; attempt: number; delayMs?: number; rerun?: CiRerun }
  /** Stop following CI and any running agent turn. */
  | { type: 'cancel-in-flight' }
  /** After `delayMs`, answer `phase-timed-out` with this epoch. */
  | { type: 'arm-timer'; phase: TimedPhase | 'task'; epoch: number; delayMs: number; timeoutMs: number }
  /** After `delayMs`, answer `retry-due` for this turn and retry number. */
  | { type: 'schedule-retry'; turn: number; retry: number; delayMs: number }
  /** Remove the workspace; answers `workspace-removed`. */
  | { type: 'remove-workspace' };

export type EffectType = Effect['type'];
export type EffectOf<T extends EffectType> = Extract<Effect, { type: T }>;
