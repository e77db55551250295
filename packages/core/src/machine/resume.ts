import { isTerminalStatus } from '../domain/task.js';
import type { Task } from '../domain/task-state.js';
import type { Effect } from './effects.js';
import { isTimedPhase, phaseTimeout } from './transition.js';

/**
 * The effects that carry an unfinished task on from its last durable step after a restart. Each
 * one is safe to repeat: workspaces are found again by label, pushes of a commit already pushed
 * change nothing, pull requests are found before they are opened.
 */
export const resumeEffects = (task: Task, now: number): Effect[] => {
  if (isTerminalStatus(task.status)) {
    return task.workspaceId && !task.workspaceRemoved ? [{ type: 'remove-workspace' }] : [];
  }
  const effects: Effect[] = [];
  const maxDurationMs = task.request.budget?.maxDurationMs;
  if (maxDurationMs) {
    effects.push({
      type: 'arm-timer',
      phase: 'task',
      epoch: 0,
      delayMs: Math.max(0, task.createdAt + maxDurationMs - now),
      timeoutMs: maxDurationMs,
    });
  }
  const status = task.status;
  if (isTimedPhase(status)) {
    const timeoutMs = phaseTimeout(task, status);
    effects.push({
      type: 'arm-timer',
      phase: status,
      epoch: task.epoch,
      delayMs: Math.max(0, task.phaseEnteredAt + timeoutMs - now),
      timeoutMs,
    });
  }
  const turn = task.currentTurn;
  const session = task.agentSessionId ? { sessionId: task.agentSessionId } : {};
  switch (status) {
    case 'queued':
      effects.unshift({ type: 'request-slot' });
      break;
    case 'provisioning':
      effects.push({ type: 'create-workspace' });
      break;
    case 'cloning':
      effects.push({ type: 'clone-repository' });
      break;
    case 'agent-running':
    case 'feedback':
      if (turn) {
        // The process may have been started even if that was never recorded: look for it first.
        const resume = turn.executionId ? { executionId: turn.executionId } : {};
        effects.push({
          type: 'run-agent-turn',
          turn: turn.turn,
          reason: turn.started ? 'resume' : turn.reason,
          prompt: turn.prompt,
          ...session,
          resume,
        });
      }
      break;
    case 'pushing':
      // A recorded push without a pull request means the crash came between the two: open it.
      // Otherwise the push itself is not recorded; repeating it is safe (see push-branch).
      effects.push(task.headSha && !task.pullRequest ? { type: 'open-pull-request' } : { type: 'push-branch' });
      break;
    case 'ci-waiting':
      if (task.ciWatch) {
        // A re-run CI was already asked for is only followed: asking twice would run the checks a third time.
        const { sha, attempt, rerun, rerunRequested } = task.ciWatch;
        effects.push({ type: 'watch-ci', sha, attempt, ...(rerun && !rerunRequested ? { rerun } : {}) });
      }
      break;
  }
  return effects;
};
