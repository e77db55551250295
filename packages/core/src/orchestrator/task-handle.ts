import type { UnsequencedEvent } from '../domain/events.js';
import type { Task } from '../domain/task-state.js';
import type { CancelTimer } from '../ports/clock.js';

/** Work in flight for a task that can be stopped: an agent turn, a CI watch. */
export interface InFlight {
  /** Stops the work itself (kills the process, stops the checks). */
  cancel(): Promise<void> | void;
  /** Stops listening but leaves the work running, for a later re-attach. */
  detach(): void;
}

/** An event as an effect hands it back: the orchestrator adds taskId, seq and at. */
export type EventInput = UnsequencedEvent extends infer E ? (E extends UnsequencedEvent ? Omit<E, 'taskId' | 'at'> : never) : never;

/** The orchestrator's live record of one task. */
export interface TaskHandle {
  readonly id: string;
  state: Task;
  /** Serialises this task's event appends. */
  chain: Promise<void>;
  /** Bumped by cancel-in-flight; events from older effects are dropped. */
  generation: number;
  inFlight: Set<InFlight>;
  timers: Set<CancelTimer>;
  /** Serialises this task's log appends. */
  logChain: Promise<void>;
}
