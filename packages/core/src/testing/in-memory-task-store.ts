import type { OrchestratorEvent } from '../domain/events.js';
import { isTerminalStatus } from '../domain/task.js';
import type { Task } from '../domain/task-state.js';
import { AmpoError } from '../errors.js';
import type { ListTasksQuery, LogChunk, TaskPage, TaskStore } from '../ports/task-store.js';

interface StoredTask {
  snapshot: Task;
  events: OrchestratorEvent[];
  logs: LogChunk[];
}

const encodeCursor = (task: Task) => btoa(JSON.stringify([task.createdAt, task.id]));
const decodeCursor = (cursor: string): [number, string] => {
  try {
    const value = JSON.parse(atob(cursor));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {}
  throw new AmpoError('invalid-input', 'The cursor is not one this store handed out.');
};

/** Newest first, ties broken by id, so that a cursor is a total order position. */
const newestFirst = (a: Task, b: Task) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const clone = <T>(value: T): T => structuredClone(value);

/** A {@link TaskStore} in memory: for tests and for embedding without persistence. */
export const createInMemoryTaskStore = (): TaskStore => {
  const tasks = new Map<string, StoredTask>();
  let closed = false;
  const open = () => {
    if (closed) throw new AmpoError('store-error', 'The task store is closed.');
  };

  return {
    async append(taskId, events, snapshot) {
      open();
      const stored = tasks.get(taskId);
      const lastSeq = stored?.events.at(-1)?.seq ?? 0;
      events.forEach((event, index) => {
        if (event.taskId !== taskId || event.seq !== lastSeq + index + 1) {
          throw new AmpoError('conflict', `Event seq ${event.seq} of task ${taskId} does not follow seq ${lastSeq + index}.`);
        }
      });
      if (!stored) {
        const key = snapshot.idempotencyKey;
        if (key !== undefined && [...tasks.values()].some((other) => other.snapshot.idempotencyKey === key)) {
          throw new AmpoError('conflict', `Another task was already created with idempotency key ${key}.`, {
            details: { idempotencyKey: key },
          });
        }
        tasks.set(taskId, { snapshot: clone(snapshot), events: clone([...events]), logs: [] });
        return;
      }
      stored.events.push(...clone([...events]));
      stored.snapshot = clone(snapshot);
    },
    async getTask(taskId) {
      open();
      const stored = tasks.get(taskId);
      return stored ? clone(stored.snapshot) : undefined;
    },
    async findByIdempotencyKey(key) {
      open();
      const found = [...tasks.values()].find((stored) => stored.snapshot.idempotencyKey === key);
      return found ? clone(found.snapshot) : undefined;
    },
    async listTasks(query: ListTasksQuery = {}): Promise<TaskPage> {
      open();
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
      const statuses = query.status === undefined ? undefined : new Set(typeof query.status === 'string' ? [query.status] : query.status);
      let all = [...tasks.values()].map((stored) => stored.snapshot).sort(newestFirst);
      if (statuses) all = all.filter((task) => statuses.has(task.status));
      if (query.repo !== undefined) all = all.filter((task) => task.request.repo === query.repo);
      const labels = Object.entries(query.labels ?? {});
      if (labels.length > 0) all = all.filter((task) => labels.every(([key, value]) => task.request.labels?.[key] === value));
      const since = query.updatedSince;
      if (since !== undefined) all = all.filter((task) => task.updatedAt >= since);
      if (query.cursor) {
        const [createdAt, id] = decodeCursor(query.cursor);
        all = all.filter((task) => task.createdAt < createdAt || (task.createdAt === createdAt && task.id < id));
      }
      const page = all.slice(0, limit);
      const last = page.at(-1);
      return { tasks: clone(page), ...(all.length > limit && last ? { nextCursor: encodeCursor(last) } : {}) };
    },
    async listUnfinished() {
      open();
      return clone(
        [...tasks.values()]
          .map((stored) => stored.snapshot)
          .filter((task) => !isTerminalStatus(task.status))
          .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)),
      );
    },
    async readEvents(taskId, options = {}) {
      open();
      const events = tasks.get(taskId)?.events ?? [];
      const after = options.afterSeq ?? 0;
      const selected = events.filter((event) => event.seq > after);
      return clone(options.limit === undefined ? selected : selected.slice(0, options.limit));
    },
    async appendLogs(taskId, chunks) {
      open();
      const stored = tasks.get(taskId);
      if (!stored) throw new AmpoError('not-found', `No task ${taskId}.`);
      const added = chunks.map((chunk, index) => ({ ...chunk, taskId, seq: stored.logs.length + index + 1 }));
      stored.logs.push(...added);
      return clone(added);
    },
    async readLogs(taskId, options = {}) {
      open();
      const logs = tasks.get(taskId)?.logs ?? [];
      const selected = logs.filter((chunk) => chunk.seq > (options.afterSeq ?? 0));
      return clone(options.limit === undefined ? selected : selected.slice(0, options.limit));
    },
    async close() {
      closed = true;
    },
  };
};
