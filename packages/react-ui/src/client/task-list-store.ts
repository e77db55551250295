import type { Task } from '@ampo/core/wire';
import { createActiveStore } from './external-store.js';
import type { HttpClient, TaskFilter } from './http-client.js';
import type { LiveConnection } from './live-connection.js';
import type { StoreError } from './task-events-store.js';
import { matchesFilter } from './task-filter.js';
import { applyEventPreview, storeError } from './task-store.js';
import { createThrottle } from './throttle.js';

export interface TaskListSnapshot {
  status: 'loading' | 'ready' | 'error';
  /** Newest first. */
  tasks: readonly Task[];
  /** More tasks are on the server: `loadMore()` brings the next page. */
  hasMore: boolean;
  loadingMore: boolean;
  error?: StoreError;
}

export type TaskListStore = ReturnType<typeof createTaskListStore>;

const initial: TaskListSnapshot = { status: 'loading', tasks: [], hasMore: false, loadingMore: false };
const newestFirst = (a: Task, b: Task) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

/**
 * The tasks that match a filter, kept current over the live connection: one `subscribe-all`,
 * a task whose events arrive is refetched (throttled, in one request per task), a new task that
 * matches appears, a task that no longer matches leaves. After a drop the subscription resumes
 * with each task's last seq and the time of the last message, as the protocol asks.
 */
export const createTaskListStore = (
  filter: TaskFilter,
  http: HttpClient,
  live: LiveConnection,
  options: { gcMs: number; refreshMs: number; pageSize: number; onIdle?: () => void },
) => {
  const known = new Map<string, Task>();
  let nextCursor: string | undefined;
  let listed = false;
  let loadingMore = false;
  let error: StoreError | undefined;

  const store = createActiveStore<TaskListSnapshot>(
    initial,
    () => {
      const dirty = new Set<string>();
      let stopped = false;
      const refetch = createThrottle(async () => {
        const ids = [...dirty];
        dirty.clear();
        const fetched = await Promise.all(ids.map((id) => http.getTask(id).catch(() => undefined)));
        if (stopped) return;
        for (const task of fetched) if (task) upsert(task);
        publish();
      }, options.refreshMs);

      const list = async () => {
        try {
          const page = await http.listTasks(filter, { limit: options.pageSize });
          if (stopped) return;
          for (const task of page.tasks)
            if (!known.has(task.id) || (known.get(task.id) as Task).lastSeq <= task.lastSeq) known.set(task.id, task);
          nextCursor = page.nextCursor;
          listed = true;
          error = undefined;
        } catch (failure) {
          error = storeError(failure);
        }
        publish();
      };

      let caughtUp = false;
      void list();
      const subscription = live.subscribe(
        ({ resumeSince }) => ({
          type: 'subscribe-all',
          cursors: Object.fromEntries([...known].map(([id, task]) => [id, task.lastSeq])),
          ...(resumeSince !== undefined ? { since: resumeSince } : {}),
        }),
        (message) => {
          if (message.type === 'caught-up') {
            // The first time: the subscription is live now, so a second listing closes the window
            // between the first one and the subscription.
            if (!caughtUp) void list();
            caughtUp = true;
            return;
          }
          if (message.type === 'error') {
            error = { code: message.code, message: message.message };
            return publish();
          }
          if (message.type !== 'event') return;
          const event = message.event;
          const task = known.get(event.taskId);
          if (task && event.seq <= task.lastSeq) return;
          if (task) {
            const previewed = applyEventPreview(task, event);
            if (previewed !== task) {
              known.set(task.id, { ...previewed, lastSeq: task.lastSeq });
              publish();
            }
          } else if (event.type === 'task-created' && !matchesFilter({ request: event.request, status: 'queued' } as Task, filter)) {
            return;
          }
          dirty.add(event.taskId);
          refetch.request();
        },
      );
      return () => {
        stopped = true;
        refetch.stop();
        subscription.close();
      };
    },
    options,
  );

  const upsert = (task: Task) => {
    const current = known.get(task.id);
    if (current && current.lastSeq > task.lastSeq) return;
    if (!matchesFilter(task, filter)) {
      known.delete(task.id);
      return;
    }
    // Past the last page fetched, a task is left for `loadMore` to bring, unless it is new.
    const oldest = [...known.values()].reduce((min, each) => Math.min(min, each.createdAt), Number.POSITIVE_INFINITY);
    if (!current && nextCursor !== undefined && task.createdAt < oldest) return;
    known.set(task.id, task);
  };

  const publish = () => {
    store.set({
      status: error && !listed ? 'error' : listed ? 'ready' : 'loading',
      tasks: [...known.values()].sort(newestFirst),
      hasMore: nextCursor !== undefined,
      loadingMore,
      ...(error ? { error } : {}),
    });
  };

  return Object.assign(store, {
    /** A task from a mutation's answer: placed, replaced or removed as the filter says. */
    offer(task: Task) {
      upsert(task);
      if (listed) publish();
    },
    async loadMore() {
      if (!nextCursor || loadingMore) return;
      loadingMore = true;
      publish();
      try {
        const page = await http.listTasks(filter, { cursor: nextCursor, limit: options.pageSize });
        for (const task of page.tasks) if (!known.has(task.id)) known.set(task.id, task);
        nextCursor = page.nextCursor;
      } catch (failure) {
        error = storeError(failure);
      } finally {
        loadingMore = false;
        publish();
      }
    },
  });
};
