import type { OrchestratorEvent } from '../domain/events.js';
import type { Logger } from '../ports/logger.js';
import type { TaskChange, TaskChangesResync } from '../ports/task-leases.js';
import type { TaskStore } from '../ports/task-store.js';

export interface RemoteEventRelayOptions {
  store: TaskStore;
  logger: Logger;
  /** The newest seq of the task this instance has published, if it has seen the task. */
  lastPublished(taskId: string): number | undefined;
  /** Publishes a stored event on this instance's `events$` (it skips what it already published). */
  publish(event: OrchestratorEvent): void;
  /** Whether this instance owns the task: then its own handle reads what others wrote. */
  owns(taskId: string): boolean;
  /** Another instance wrote to a task this one owns. */
  onOwnedTaskChanged(taskId: string, seq: number): void;
  /** A task was created somewhere, or changes may have been missed: look for work to claim. */
  onWorkAvailable(): void;
}

/**
 * Turns a shared store's change notifications into events on this instance's `events$`: each
 * notification is only a task id and seq, so the events are read from the store, in order, one
 * task at a time. A resync reads every task that changed since the feed's connection was lost.
 */
export const createRemoteEventRelay = (options: RemoteEventRelayOptions) => {
  const chains = new Map<string, Promise<void>>();

  const follow = async (change: TaskChange) => {
    const known = options.lastPublished(change.taskId);
    const afterSeq = known ?? Math.max(0, (change.firstSeq ?? change.seq) - 1);
    if (afterSeq >= change.seq) return;
    const events = await options.store.readEvents(change.taskId, { afterSeq });
    for (const event of events) options.publish(event);
  };

  const appended = (change: TaskChange) => {
    if (change.seq === 1) options.onWorkAvailable();
    if (options.owns(change.taskId)) return options.onOwnedTaskChanged(change.taskId, change.seq);
    const previous = chains.get(change.taskId) ?? Promise.resolve();
    const next = previous
      .then(() => follow(change))
      .catch((error: unknown) => {
        options.logger.warn('could not read the events of a change', { taskId: change.taskId, error: String(error) });
      })
      .finally(() => {
        if (chains.get(change.taskId) === next) chains.delete(change.taskId);
      });
    chains.set(change.taskId, next);
  };

  const resync = async (since: number) => {
    options.onWorkAvailable();
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const listed = await options.store.listTasks({ updatedSince: since, limit: 500, ...(cursor ? { cursor } : {}) });
      // A task created while the feed was away is new here: all its events were missed.
      for (const task of listed.tasks)
        appended({ type: 'appended', taskId: task.id, seq: task.lastSeq, ...(task.createdAt >= since ? { firstSeq: 1 } : {}) });
      cursor = listed.nextCursor;
      if (!cursor) return;
    }
    options.logger.warn('resync stopped after 10,000 changed tasks', { since });
  };

  return {
    handle(change: TaskChange | TaskChangesResync) {
      if (change.type === 'appended') return appended(change);
      resync(change.since).catch((error: unknown) => {
        options.logger.warn('could not resync after the change feed reconnected', { error: String(error) });
      });
    },
  };
};
