import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrchestratorEvent } from '../domain/events.js';
import { isTerminalStatus } from '../domain/task.js';
import type { Task } from '../domain/task-state.js';
import type { Effect } from './effects.js';
import { created, type EventDraft, failure, sequence } from './test-events.js';
import { transition } from './transition.js';

/** Any event at all, with parameters that may or may not fit the task's current state. */
const anyDraft: fc.Arbitrary<EventDraft> = fc.oneof(
  fc.constant<EventDraft>({ type: 'task-started' }),
  fc.constant<EventDraft>({ type: 'workspace-created', workspaceId: 'ws-1' }),
  fc.constant<EventDraft>({ type: 'repo-cloned', baseSha: 'base' }),
  fc.integer({ min: 1, max: 6 }).map<EventDraft>((turn) => ({ type: 'agent-turn-started', turn, reason: 'initial', prompt: 'p' })),
  fc.constant<EventDraft>({ type: 'agent-session-started', sessionId: 'T-1' }),
  fc
    .record({ turn: fc.integer({ min: 1, max: 6 }), outcome: fc.constantFrom('completed', 'failed', 'start-failed' as const) })
    .map<EventDraft>(({ turn, outcome }) => ({ type: 'agent-turn-ended', turn, outcome })),
  fc
    .record({ sha: fc.constantFrom('s1', 's2', 's3', 'base'), changed: fc.boolean() })
    .map<EventDraft>(({ sha, changed }) => ({ type: 'branch-pushed', branch: 'b', sha, changed })),
  fc.constant<EventDraft>({ type: 'pull-request-opened', pullRequest: { number: 1, url: 'u' } }),
  fc
    .record({
      sha: fc.constantFrom('s1', 's2', 's3'),
      conclusion: fc.constantFrom('success', 'failure', 'cancelled', 'timed_out', 'action_required', 'stale' as const),
      message: fc.constantFrom('a', 'b', 'c'),
    })
    .map<EventDraft>(({ sha, conclusion, message }) => ({
      type: 'ci-run-end',
      sha,
      conclusion,
      checks: [],
      failures: [failure(message)],
      baseFailures: [],
    })),
  fc.constant<EventDraft>({ type: 'message-received', text: 'hello' }),
  fc.integer({ min: 0, max: 30 }).map<EventDraft>((epoch) => ({ type: 'phase-timed-out', phase: 'agent-running', epoch, timeoutMs: 1 })),
  fc
    .record({ turn: fc.integer({ min: 1, max: 6 }), retry: fc.integer({ min: 1, max: 3 }) })
    .map<EventDraft>((due) => ({ type: 'retry-due', ...due })),
  fc.constant<EventDraft>({ type: 'task-cancel-requested' }),
  fc.constant<EventDraft>({ type: 'workspace-removed' }),
);

const foldAll = (maxCiAttempts: number, drafts: readonly EventDraft[]) => {
  const events = sequence([created({ maxCiAttempts }), ...drafts]);
  const states: Task[] = [];
  let task: Task | undefined;
  for (const event of events) {
    task = transition(task, event)[0];
    states.push(task);
  }
  return { events, states };
};

describe('transition properties over random event sequences', () => {
  it('never throws, never exceeds the attempt bound, and keeps seq contiguous', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(anyDraft, { maxLength: 60 }), (maxCiAttempts, drafts) => {
        const { events, states } = foldAll(maxCiAttempts, drafts);
        for (const [index, state] of states.entries()) {
          expect(state.attempts.length).toBeLessThanOrEqual(maxCiAttempts);
          expect(state.lastSeq).toBe((events[index] as OrchestratorEvent).seq);
          expect(state.lastSeq).toBe(index + 1);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('terminal states absorb every later event', () => {
    fc.assert(
      fc.property(fc.array(anyDraft, { maxLength: 60 }), (drafts) => {
        const { states } = foldAll(2, drafts);
        const firstTerminal = states.findIndex((state) => isTerminalStatus(state.status));
        if (firstTerminal < 0) return;
        const terminal = states[firstTerminal] as Task;
        for (const later of states.slice(firstTerminal)) {
          expect(later.status).toBe(terminal.status);
          expect(later.attempts).toEqual(terminal.attempts);
          expect(later.failure).toEqual(terminal.failure);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a cancel always reaches cancelled from any non-terminal state', () => {
    fc.assert(
      fc.property(fc.array(anyDraft, { maxLength: 40 }), (drafts) => {
        const { states, events } = foldAll(3, drafts);
        const last = states.at(-1) as Task;
        const [cancelEvent] = sequence([{ type: 'task-cancel-requested' }], (events.at(-1) as OrchestratorEvent).seq + 1);
        const [after, effects] = transition(last, cancelEvent as OrchestratorEvent);
        if (isTerminalStatus(last.status)) expect(after.status).toBe(last.status);
        else {
          expect(after.status).toBe('cancelled');
          if (last.workspaceId && !last.workspaceRemoved) expect(effects).toContainEqual({ type: 'remove-workspace' });
        }
      }),
      { numRuns: 400 },
    );
  });
});

/** Plays the environment: answers each effect with a plausible event, outcomes chosen by fast-check. */
const answer = (
  effect: Effect,
  task: Task,
  choice: { agent: 'completed' | 'failed' | 'start-failed'; ci: 'success' | 'failure' | 'timed_out'; message: string; changed: boolean },
  shaCounter: { next: number },
): EventDraft[] => {
  switch (effect.type) {
    case 'request-slot':
      return [{ type: 'task-started' }];
    case 'create-workspace':
      return [{ type: 'workspace-created', workspaceId: 'ws-1' }];
    case 'clone-repository':
      return [{ type: 'repo-cloned', baseSha: 'base' }];
    case 'run-agent-turn':
      return [
        { type: 'agent-turn-started', turn: effect.turn, reason: effect.reason, prompt: effect.prompt },
        { type: 'agent-session-started', sessionId: 'T-1' },
        { type: 'agent-turn-ended', turn: effect.turn, outcome: choice.agent },
      ];
    case 'schedule-retry':
      return [{ type: 'retry-due', turn: effect.turn, retry: effect.retry }];
    case 'push-branch':
      return [
        {
          type: 'branch-pushed',
          branch: task.branch,
          sha: choice.changed ? `s${shaCounter.next++}` : (task.headSha ?? 'base'),
          changed: choice.changed,
        },
      ];
    case 'open-pull-request':
      return [{ type: 'pull-request-opened', pullRequest: { number: 1, url: 'u' } }];
    case 'watch-ci':
      return [
        {
          type: 'ci-run-end',
          sha: effect.sha,
          conclusion: choice.ci,
          checks: [],
          failures: choice.ci === 'success' ? [] : [failure(choice.message)],
          baseFailures: [],
        },
      ];
    case 'remove-workspace':
      return [{ type: 'workspace-removed' }];
    default:
      return [];
  }
};

describe('the loop driven by a random environment', () => {
  it('always ends, within the attempt bound, with the workspace removed', () => {
    const choiceArbitrary = fc.record({
      agent: fc.constantFrom('completed', 'completed', 'completed', 'failed', 'start-failed' as const),
      ci: fc.constantFrom('success', 'failure', 'failure', 'timed_out' as const),
      message: fc.constantFrom('x', 'y', 'z'),
      changed: fc.constantFrom(true, true, true, false),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.infiniteStream(choiceArbitrary), (maxCiAttempts, choices) => {
        let seq = 0;
        const shaCounter = { next: 1 };
        let [task, effects] = transition(undefined, sequence([created({ maxCiAttempts })])[0] as OrchestratorEvent);
        seq = 1;
        const queue: Effect[] = [...effects];
        let steps = 0;
        while (queue.length > 0 && steps++ < 500) {
          const effect = queue.shift() as Effect;
          const choice = choices.next().value;
          for (const draft of answer(effect, task, choice, shaCounter)) {
            [task, effects] = transition(task, sequence([draft], ++seq)[0] as OrchestratorEvent);
            queue.push(...effects);
          }
        }
        expect(isTerminalStatus(task.status)).toBe(true);
        expect(task.attempts.length).toBeLessThanOrEqual(maxCiAttempts);
        expect(task.workspaceRemoved).toBe(true);
        if (task.status === 'succeeded') expect(task.attempts.at(-1)?.conclusion).toBe('success');
        else expect(task.failure?.reason.length).toBeGreaterThan(10);
      }),
      { numRuns: 300 },
    );
  });
});
