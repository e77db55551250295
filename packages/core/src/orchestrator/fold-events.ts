import type { OrchestratorEvent } from '../domain/events.js';
import { isTerminalStatus } from '../domain/task.js';
import type { Task } from '../domain/task-state.js';
import type { Effect } from '../machine/effects.js';
import { type MachineOptions, transition } from '../machine/transition.js';
import type { EventInput } from './task-handle.js';

export interface FoldedEvents {
  state: Task;
  /** The events to append, status changes included, with their seqs. */
  appended: OrchestratorEvent[];
  /** The effects of the last event folded. */
  effects: Effect[];
  /** How many inputs were taken (folded or skipped). */
  taken: number;
}

/**
 * Folds queued inputs into the task, in order, until one of them yields effects: that one is the
 * last of the batch, so its effects run before any later input is folded (as if one at a time).
 * Each event that changes the status is followed by its `task-status-changed`. Inputs that
 * `skip` rejects (a stale generation) and inputs after the task ended are taken but not appended.
 * A burst of agent output, which yields no effects, becomes one append.
 */
export const foldEvents = (
  task: Task,
  inputs: readonly EventInput[],
  options: { at: number; machine: MachineOptions; skip: (index: number) => boolean },
): FoldedEvents => {
  let state = task;
  const appended: OrchestratorEvent[] = [];
  let taken = 0;
  for (const input of inputs) {
    const index = taken++;
    if (options.skip(index)) continue;
    if (isTerminalStatus(state.status) && input.type !== 'workspace-removed') continue;
    const event = { ...input, taskId: task.id, seq: state.lastSeq + 1, at: options.at } as OrchestratorEvent;
    const [next, effects] = transition(state, event, options.machine);
    appended.push(event);
    let folded = next;
    if (next.status !== state.status) {
      const changed: OrchestratorEvent = {
        type: 'task-status-changed',
        taskId: task.id,
        seq: event.seq + 1,
        at: options.at,
        from: state.status,
        to: next.status,
        ...(next.failure && isTerminalStatus(next.status) ? { reason: next.failure.reason } : {}),
      };
      folded = transition(next, changed, options.machine)[0];
      appended.push(changed);
    }
    state = folded;
    if (effects.length > 0) return { state, appended, effects, taken };
  }
  return { state, appended, effects: [], taken };
};
