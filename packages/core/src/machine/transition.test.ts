import { describe, expect, it } from 'vitest';
import type { OrchestratorEvent, OrchestratorEventType } from '../domain/events.js';
import type { TaskStatus } from '../domain/task.js';
import type { Task } from '../domain/task-state.js';
import { resumeEffects } from './resume.js';
import { created, type EventDraft, failure, sequence, toCiWaiting } from './test-events.js';
import { replay, transition } from './transition.js';

const fold = (drafts: readonly EventDraft[]): Task => {
  const task = replay(sequence(drafts));
  if (!task) throw new Error('no task');
  return task;
};

/** One task in each status, reached through real event sequences. */
const taskIn: Record<TaskStatus, () => Task> = {
  queued: () => fold([created()]),
  provisioning: () => fold(toCiWaiting().slice(0, 2)),
  cloning: () => fold(toCiWaiting().slice(0, 3)),
  'agent-running': () => fold(toCiWaiting().slice(0, 6)),
  pushing: () => fold(toCiWaiting().slice(0, 7)),
  'ci-waiting': () => fold(toCiWaiting()),
  feedback: () =>
    fold([
      ...toCiWaiting(),
      { type: 'ci-run-end', sha: 'sha1', conclusion: 'failure', checks: [], failures: [failure('boom')], baseFailures: [] },
    ]),
  succeeded: () =>
    fold([...toCiWaiting(), { type: 'ci-run-end', sha: 'sha1', conclusion: 'success', checks: [], failures: [], baseFailures: [] }]),
  failed: () => fold([...toCiWaiting(), { type: 'task-error', code: 'runtime-error', message: 'engine gone', retryable: false }]),
  cancelled: () => fold([...toCiWaiting(), { type: 'task-cancel-requested' }]),
};

/** One event of each type, as it would arrive for the task in its current turn. */
const eventOf = (task: Task): Record<OrchestratorEventType, EventDraft> => {
  const turn = task.currentTurn?.turn ?? 1;
  const sha = task.ciWatch?.sha ?? task.headSha ?? 'sha1';
  return {
    'task-created': created(),
    'task-started': { type: 'task-started' },
    'task-status-changed': { type: 'task-status-changed', from: 'queued', to: 'provisioning' },
    'workspace-created': { type: 'workspace-created', workspaceId: 'ws-2' },
    'repo-cloned': { type: 'repo-cloned', baseSha: 'base000' },
    'agent-turn-started': { type: 'agent-turn-started', turn, reason: 'initial', prompt: 'p' },
    'agent-session-started': { type: 'agent-session-started', sessionId: 'T-2' },
    'agent-output': { type: 'agent-output', turn, line: 1, output: { type: 'text', text: 'hi' } },
    'agent-turn-ended': { type: 'agent-turn-ended', turn, outcome: 'completed' },
    'branch-pushed': { type: 'branch-pushed', branch: 'b', sha: 'sha9', changed: true },
    'pull-request-opened': { type: 'pull-request-opened', pullRequest: { number: 8, url: 'u' } },
    'ci-run-started': { type: 'ci-run-started', attempt: 1, sha },
    'ci-status-changed': { type: 'ci-status-changed', sha, checks: [{ name: 'test', state: 'in_progress' }] },
    'ci-run-end': { type: 'ci-run-end', sha, conclusion: 'failure', checks: [], failures: [failure('nope')], baseFailures: [] },
    'message-received': { type: 'message-received', text: 'also update the docs' },
    'phase-timed-out': {
      type: 'phase-timed-out',
      phase: task.status === 'queued' || task.status === 'feedback' ? 'pushing' : (task.status as 'pushing'),
      epoch: task.epoch,
      timeoutMs: 60_000,
    },
    'retry-due': { type: 'retry-due', turn, retry: 1 },
    'task-cancel-requested': { type: 'task-cancel-requested' },
    'task-error': { type: 'task-error', code: 'runtime-error', message: 'engine gone', retryable: false },
    'workspace-removed': { type: 'workspace-removed' },
  };
};

/**
 * The next status for every (status, event) pair; pairs not listed keep the status. Together
 * with the defaults this covers all 10 × 20 pairs.
 */
const expectedStatus: Partial<Record<TaskStatus, Partial<Record<OrchestratorEventType, TaskStatus>>>> = {
  queued: { 'task-started': 'provisioning', 'task-cancel-requested': 'cancelled', 'task-error': 'failed' },
  provisioning: {
    'workspace-created': 'cloning',
    'phase-timed-out': 'failed',
    'task-cancel-requested': 'cancelled',
    'task-error': 'failed',
  },
  cloning: { 'repo-cloned': 'agent-running', 'phase-timed-out': 'failed', 'task-cancel-requested': 'cancelled', 'task-error': 'failed' },
  'agent-running': {
    'agent-turn-ended': 'pushing',
    'phase-timed-out': 'failed',
    'task-cancel-requested': 'cancelled',
    'task-error': 'failed',
  },
  pushing: { 'phase-timed-out': 'failed', 'task-cancel-requested': 'cancelled', 'task-error': 'failed' },
  'ci-waiting': {
    'ci-run-end': 'feedback',
    'message-received': 'feedback',
    'phase-timed-out': 'failed',
    'task-cancel-requested': 'cancelled',
    'task-error': 'failed',
  },
  feedback: {
    'agent-turn-started': 'agent-running',
    'agent-turn-ended': 'pushing',
    'task-cancel-requested': 'cancelled',
    'task-error': 'failed',
  },
};

const statuses = Object.keys(taskIn) as TaskStatus[];

describe('transition over every status × event pair', () => {
  for (const status of statuses) {
    it(`from ${status}`, () => {
      const task = taskIn[status]();
      expect(task.status).toBe(status);
      for (const [type, draft] of Object.entries(eventOf(task)) as Array<[OrchestratorEventType, EventDraft]>) {
        const [event] = sequence([draft], task.lastSeq + 1) as [OrchestratorEvent];
        if (type === 'task-created') {
          // Only ever the first event; the interpreter never feeds it to an existing task.
          continue;
        }
        const [next, effects] = transition(task, event);
        const expected = expectedStatus[status]?.[type] ?? status;
        expect({ type, status: next.status }).toEqual({ type, status: expected });
        expect(next.lastSeq).toBe(event.seq);
        if (status === 'succeeded' || status === 'failed' || status === 'cancelled') {
          expect(effects).toEqual([]);
          const { lastSeq, updatedAt, workspaceRemoved, ...rest } = next;
          const { lastSeq: _l, updatedAt: _u, workspaceRemoved: _w, ...before } = task;
          expect(rest).toEqual(before);
        }
      }
    });
  }
});

describe('transition rules', () => {
  it('refuses a first event other than task-created', () => {
    expect(() => transition(undefined, sequence([{ type: 'task-started' }])[0] as OrchestratorEvent)).toThrow(/task-created/);
  });

  it('runs the follow-up in the same thread with the CI digest', () => {
    const task = taskIn.feedback();
    expect(task.currentTurn).toMatchObject({ turn: 2, reason: 'ci-feedback' });
    expect(task.currentTurn?.prompt).toContain('src/a.test.ts:3');
    const [, effects] = transition(
      taskIn['ci-waiting'](),
      sequence(
        [{ type: 'ci-run-end', sha: 'sha1', conclusion: 'timed_out', checks: [], failures: [failure('slow')], baseFailures: [] }],
        11,
      )[0] as OrchestratorEvent,
    );
    expect(effects).toContainEqual(expect.objectContaining({ type: 'run-agent-turn', sessionId: 'T-1', reason: 'ci-feedback' }));
  });

  it.each(['cancelled', 'stale'] as const)('treats a %s run as not green and charges it', (conclusion) => {
    const [next] = transition(
      taskIn['ci-waiting'](),
      sequence([{ type: 'ci-run-end', sha: 'sha1', conclusion, checks: [], failures: [], baseFailures: [] }], 11)[0] as OrchestratorEvent,
    );
    expect(next.status).toBe('feedback');
    expect(next.attempts).toHaveLength(1);
  });

  it('surfaces action_required as a waiting reason, uncharged, and looks again later', () => {
    const task = taskIn['ci-waiting']();
    const [next, effects] = transition(
      task,
      sequence(
        [{ type: 'ci-run-end', sha: 'sha1', conclusion: 'action_required', checks: [], failures: [], baseFailures: [] }],
        11,
      )[0] as OrchestratorEvent,
    );
    expect(next.status).toBe('ci-waiting');
    expect(next.attempts).toHaveLength(0);
    expect(next.waitingReason).toMatch(/approval/);
    expect(effects).toEqual([{ type: 'watch-ci', sha: 'sha1', attempt: 1, delayMs: 30_000 }]);
    // The ci-waiting timer armed on entry still bounds the wait, and names the reason.
    const [timedOut] = transition(
      next,
      sequence([{ type: 'phase-timed-out', phase: 'ci-waiting', epoch: next.epoch, timeoutMs: 3_600_000 }], 12)[0] as OrchestratorEvent,
    );
    expect(timedOut.status).toBe('failed');
    expect(timedOut.failure?.reason).toMatch(/approval/);
  });

  it('does not charge failures that also happen on the base branch', () => {
    const [next] = transition(
      taskIn['ci-waiting'](),
      sequence(
        [{ type: 'ci-run-end', sha: 'sha1', conclusion: 'failure', checks: [], failures: [], baseFailures: [failure('flaky on main')] }],
        11,
      )[0] as OrchestratorEvent,
    );
    expect(next.status).toBe('succeeded');
  });

  it('ignores a timer from an earlier phase', () => {
    const task = taskIn['ci-waiting']();
    const [next] = transition(
      task,
      sequence([{ type: 'phase-timed-out', phase: 'ci-waiting', epoch: task.epoch - 1, timeoutMs: 1 }], 11)[0] as OrchestratorEvent,
    );
    expect(next.status).toBe('ci-waiting');
  });

  it('ignores CI results for another commit', () => {
    const task = taskIn['ci-waiting']();
    const [next] = transition(
      task,
      sequence(
        [{ type: 'ci-run-end', sha: 'other', conclusion: 'failure', checks: [], failures: [], baseFailures: [] }],
        11,
      )[0] as OrchestratorEvent,
    );
    expect(next).toMatchObject({ status: 'ci-waiting', attempts: [] });
  });

  it('retries an agent start failure with backoff, then fails with the reason', () => {
    let task = taskIn['agent-running']();
    const delays: number[] = [];
    for (let retry = 1; retry <= 4; retry++) {
      const [next, effects] = transition(
        task,
        sequence(
          [{ type: 'agent-turn-ended', turn: 1, outcome: 'start-failed', reason: 'ECONNREFUSED' }],
          task.lastSeq + 1,
        )[0] as OrchestratorEvent,
      );
      task = next;
      for (const effect of effects) if (effect.type === 'schedule-retry') delays.push(effect.delayMs);
    }
    expect(delays).toEqual([2000, 4000, 8000]);
    expect(task.status).toBe('failed');
    expect(task.failure?.reason).toContain('ECONNREFUSED');
    expect(task.attempts).toHaveLength(0);
  });

  it('fails a first turn that changed nothing, with advice', () => {
    const [next] = transition(
      taskIn.pushing(),
      sequence([{ type: 'branch-pushed', branch: 'b', sha: 'base000', changed: false }], 8)[0] as OrchestratorEvent,
    );
    expect(next.failure).toEqual({ code: 'no-changes', reason: expect.stringMatching(/nothing to push/) });
  });

  it('enforces the turn and cost budget', () => {
    const overTurns = fold([
      ...toCiWaiting({ budget: { maxAgentTurns: 1 } }),
      { type: 'ci-run-end', sha: 'sha1', conclusion: 'failure', checks: [], failures: [failure('x')], baseFailures: [] },
    ]);
    expect(overTurns.failure?.code).toBe('budget-exceeded');
    const overCost = fold([
      ...toCiWaiting({ budget: { maxCostUsd: 1 } }).slice(0, 6),
      { type: 'agent-turn-ended', turn: 1, outcome: 'completed', usage: { costUsd: 1.5 } },
    ]);
    expect(overCost.failure).toEqual({ code: 'budget-exceeded', reason: expect.stringContaining('$1.50') });
  });

  it('holds messages until the next turn when the agent is busy', () => {
    const task = fold([...toCiWaiting().slice(0, 6), { type: 'message-received', text: 'use tabs' }]);
    expect(task.pendingMessages).toEqual(['use tabs']);
    const after = fold([
      ...toCiWaiting().slice(0, 6),
      { type: 'message-received', text: 'use tabs' },
      ...toCiWaiting().slice(6),
      { type: 'ci-run-end', sha: 'sha1', conclusion: 'failure', checks: [], failures: [failure('x')], baseFailures: [] },
    ]);
    expect(after.currentTurn?.prompt).toContain('use tabs');
    expect(after.pendingMessages).toEqual([]);
  });
});

describe('resumeEffects', () => {
  it('picks up each status where it stopped, with the remaining phase time', () => {
    const now = 20_000;
    expect(resumeEffects(taskIn.queued(), now)).toEqual([{ type: 'request-slot' }]);
    expect(resumeEffects(taskIn.provisioning(), now).map((effect) => effect.type)).toEqual(['arm-timer', 'create-workspace']);
    const running = resumeEffects(taskIn['agent-running'](), now);
    expect(running).toContainEqual(
      expect.objectContaining({ type: 'run-agent-turn', reason: 'resume', resume: { executionId: 'turn-1-0' }, sessionId: 'T-1' }),
    );
    const timer = running.find((effect) => effect.type === 'arm-timer');
    expect(timer).toMatchObject({ phase: 'agent-running', delayMs: 45 * 60_000 - (now - 4_000) });
    expect(resumeEffects(taskIn['ci-waiting'](), now)).toContainEqual({ type: 'watch-ci', sha: 'sha1', attempt: 1 });
    const pushedWithoutPr = fold(toCiWaiting().slice(0, 8));
    expect(resumeEffects(pushedWithoutPr, now)).toContainEqual({ type: 'open-pull-request' });
    expect(resumeEffects(taskIn.pushing(), now)).toContainEqual({ type: 'push-branch' });
    expect(resumeEffects(taskIn.succeeded(), now)).toEqual([{ type: 'remove-workspace' }]);
  });
});
