import type { OrchestratorEvent, Task } from '@ampo/core/wire';
import type { ExternalStore } from './external-store.js';
import { type ActiveStore, createActiveStore } from './external-store.js';
import type { HttpClient } from './http-client.js';
import { AmpoRequestError } from './request-error.js';
import type { StoreError, TaskEventsSnapshot } from './task-events-store.js';
import { createThrottle } from './throttle.js';

export interface TaskSnapshot {
  status: 'loading' | 'ready' | 'error';
  task?: Task;
  error?: StoreError;
}

const initial: TaskSnapshot = { status: 'loading' };

/** What an event says about the fields a person watches, before the refetch brings the rest. */
export const applyEventPreview = (task: Task, event: OrchestratorEvent): Task => {
  if (event.seq <= task.lastSeq) return task;
  const next: Task = { ...task, updatedAt: Math.max(task.updatedAt, event.at) };
  if (event.type === 'task-status-changed') next.status = event.to;
  if (event.type === 'pull-request-opened') next.pullRequest = event.pullRequest;
  if (event.type === 'branch-pushed') next.headSha = event.sha;
  if (event.type === 'ci-status-changed') next.checks = event.checks;
  return next;
};

export const storeError = (error: unknown): StoreError =>
  error instanceof AmpoRequestError ? { code: error.code, message: error.message } : { code: 'unknown', message: String(error) };

export type TaskStore = ActiveStore<TaskSnapshot> & {
  /** A newer copy from elsewhere (a mutation's answer, a list). */
  offer(task: Task): void;
};

/**
 * One task: fetched once, then kept current from its events — the status at once, the whole
 * task by a refetch at most every `refreshMs` while events stream in.
 */
export const createTaskStore = (
  taskId: string,
  http: HttpClient,
  events: ExternalStore<TaskEventsSnapshot>,
  options: { gcMs: number; refreshMs: number; onIdle?: () => void },
): TaskStore => {
  let seenEvents = 0;
  const store = createActiveStore<TaskSnapshot>(
    initial,
    (self) => {
      const refresh = createThrottle(async () => {
        try {
          const task = await http.getTask(taskId);
          offer(task);
        } catch (error) {
          const current = self.getSnapshot();
          // A task once seen stays on screen when a refetch fails; the next event tries again.
          if (!current.task) self.set({ status: 'error', error: storeError(error) });
        }
      }, options.refreshMs);
      refresh.request();
      const stopEvents = events.subscribe(() => {
        const snapshot = events.getSnapshot();
        const fresh = snapshot.events.slice(seenEvents);
        seenEvents = snapshot.events.length;
        const current = self.getSnapshot().task;
        if (fresh.length === 0) return;
        if (!current) return refresh.request();
        const previewed = fresh.reduce(applyEventPreview, current);
        if (previewed !== current) self.set({ status: 'ready', task: previewed });
        if (fresh.some((event) => event.seq > current.lastSeq)) refresh.request();
      });
      return () => {
        refresh.stop();
        stopEvents();
      };
    },
    options,
  );
  const offer = (task: Task) => {
    const current = store.getSnapshot().task;
    if (current && current.lastSeq > task.lastSeq) return;
    store.set({ status: 'ready', task });
  };
  return Object.assign(store, { offer });
};
