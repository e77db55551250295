import type { OrchestratorEvent } from '../domain/events.js';
import type { LogChunk, NewLogChunk } from '../domain/log-chunk.js';
import type { TaskStatus } from '../domain/task.js';
import type { Task } from '../domain/task-state.js';
import type { LeaseFence, TaskLeases } from './task-leases.js';

export type { LogChunk, NewLogChunk } from '../domain/log-chunk.js';

export interface AppendOptions {
  fence?: LeaseFence;
}

export interface ListTasksQuery {
  status?: TaskStatus | readonly TaskStatus[];
  repo?: string;
  /** Only tasks whose request has every one of these labels, with exactly these values. */
  labels?: Readonly<Record<string, string>>;
  /** Only tasks whose last event is at or after this time (epoch milliseconds). */
  updatedSince?: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
  /** @default 50 */
  limit?: number;
}

export interface TaskPage {
  tasks: Task[];
  /** Absent on the last page. */
  nextCursor?: string;
}

/**
 * Durable task state: snapshots, the append-only event log, logs. Every method is safe to call
 * concurrently; the store serialises writes per task.
 */
export interface TaskStore {
  /**
   * Appends `events` to the task's log and replaces its snapshot with `snapshot`, atomically.
   * The first event's seq MUST be the current last seq + 1 and the seqs contiguous; otherwise
   * nothing is written and a `conflict` AmpoError is thrown (another writer got there first).
   * The first append of a task creates it. A task whose snapshot carries an `idempotencyKey`
   * that another task already has is not created: nothing is written and a `conflict` AmpoError
   * with `details.idempotencyKey` is thrown.
   *
   * With `fence` (stores that implement {@link TaskLeases}), the append is accepted only while the
   * task's lease has that owner and epoch, checked in the same transaction; otherwise nothing is
   * written and a `conflict` AmpoError with `details.fenced: true` is thrown.
   */
  append(taskId: string, events: readonly OrchestratorEvent[], snapshot: Task, options?: AppendOptions): Promise<void>;
  getTask(taskId: string): Promise<Task | undefined>;
  /** The task created with this idempotency key, if any. */
  findByIdempotencyKey(key: string): Promise<Task | undefined>;
  /**
   * Newest first (by creation time, then id). Stable under concurrent inserts. `limit` is clamped
   * to 1..500; a cursor this store did not hand out is `invalid-input`.
   */
  listTasks(query?: ListTasksQuery): Promise<TaskPage>;
  /** Tasks not in a terminal status, oldest first: what a restart resumes. */
  listUnfinished(): Promise<Task[]>;
  /** Events with seq greater than `afterSeq`, in order. */
  readEvents(taskId: string, options?: { afterSeq?: number; limit?: number }): Promise<OrchestratorEvent[]>;
  /** Appends log chunks and returns them with their seqs. An unknown task is `not-found`. */
  appendLogs(taskId: string, chunks: readonly Omit<NewLogChunk, 'taskId'>[]): Promise<LogChunk[]>;
  readLogs(taskId: string, options?: { afterSeq?: number; limit?: number }): Promise<LogChunk[]>;
  /** Releases the store's resources. Idempotent. */
  close(): Promise<void>;
}
