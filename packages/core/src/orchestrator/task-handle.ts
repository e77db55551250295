import type { UnsequencedEvent } from '../domain/events.js';
import type { Task } from '../domain/task-state.js';
import type { CancelTimer } from '../ports/clock.js';
import type { LogChunk } from '../ports/task-store.js';

/** Work in flight for a task that can be stopped: an agent turn, a CI watch. */
export interface InFlight {
  /** Stops the work itself (kills the process, stops the checks). */
  cancel(): Promise<void> | void;
  /** Stops listening but leaves the work running, for a later re-attach. */
  detach(): void;
}

/** An event as an effect hands it back: the orchestrator adds taskId, seq and at. */
export type EventInput = UnsequencedEvent extends infer E ? (E extends UnsequencedEvent ? Omit<E, 'taskId' | 'at'> : never) : never;

/** An event waiting to be recorded, and who waits for it. */
export interface PendingEvent {
  input: EventInput;
  /** The effect generation it came from; stale ones are dropped. */
  generation: number | undefined;
  recorded: () => void;
}

/** The orchestrator's live record of one task. */
export interface TaskHandle {
  readonly id: string;
  state: Task;
  /** Events waiting to be recorded, in order; drained in batches. */
  pending: PendingEvent[];
  /** The drain under way, if any: it ends when `pending` is empty. */
  chain: Promise<void>;
  draining: boolean;
  /** Bumped by cancel-in-flight; events from older effects are dropped. */
  generation: number;
  inFlight: Set<InFlight>;
  timers: Set<CancelTimer>;
  /** Log chunks waiting to be stored, in order; appended in batches. */
  pendingLogs: Omit<LogChunk, 'seq' | 'taskId'>[];
  /** The log drain under way, if any. */
  logChain: Promise<void>;
  drainingLogs: boolean;
  /** Another instance wrote to this task: read its events before appending (shared stores). */
  behind: boolean;
  /** This instance lost the task's lease: nothing more is written or run for it here. */
  abandoned: boolean;
}
