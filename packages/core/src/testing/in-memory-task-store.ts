import type { OrchestratorEvent } from '../domain/events.js';
import { isTerminalStatus } from '../domain/task.js';
import type { Task } from '../domain/task-state.js';
import { AmpoError } from '../errors.js';
import type { TaskLease, TaskLeases } from '../ports/task-leases.js';
import { decodeTaskListCursor, encodeTaskListCursor } from '../ports/task-list-cursor.js';
import type { ListTasksQuery, LogChunk, TaskPage, TaskStore } from '../ports/task-store.js';

interface StoredTask {
  snapshot: Task;
  events: OrchestratorEvent[];
  logs: LogChunk[];
  /** The task's lease; `owner` is absent once released. The epoch outlives a release. */
  lease?: { owner?: string; epoch: number; expiresAt: number };
}

/** A {@link TaskStore} and its {@link TaskLeases}, in memory. */
export type InMemoryTaskStore = TaskStore & TaskLeases;

/** Newest first, ties broken by id, so that a cursor is a total order position. */
const newestFirst = (a: Task, b: Task) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const clone = <T>(value: T): T => structuredClone(value);

const oldestFirst = (a: Task, b: Task) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Held by someone and not expired at `now`. */
const isActive = (stored: StoredTask, now: number): boolean => stored.lease?.owner !== undefined && stored.lease.expiresAt > now;

/**
 * A {@link TaskStore} in memory, with its {@link TaskLeases}: for tests and for embedding without
 * persistence. Every method runs to completion before another starts, so claims never race.
 */
export const createInMemoryTaskStore = (): InMemoryTaskStore => {
  const tasks = new Map<string, StoredTask>();
  let closed = false;
  const open = () => {
    if (closed) throw new AmpoError('store-error', 'The task store is closed.');
  };

  return {
    async append(taskId, events, snapshot, options = {}) {
      open();
      const stored = tasks.get(taskId);
      const fence = options.fence;
      if (fence && (stored?.lease?.owner !== fence.owner || stored.lease.epoch !== fence.epoch)) {
        throw new AmpoError('conflict', `Task ${taskId} is no longer leased to ${fence.owner} at epoch ${fence.epoch}.`, {
          details: { taskId, fenced: true },
        });
      }
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
        const { createdAt, id } = decodeTaskListCursor(query.cursor);
        all = all.filter((task) => task.createdAt < createdAt || (task.createdAt === createdAt && task.id < id));
      }
      const page = all.slice(0, limit);
      const last = page.at(-1);
      return { tasks: clone(page), ...(all.length > limit && last ? { nextCursor: encodeTaskListCursor(last) } : {}) };
    },
    async listUnfinished() {
      open();
      return clone(
        [...tasks.values()]
          .map((stored) => stored.snapshot)
          .filter((task) => !isTerminalStatus(task.status))
          .sort(oldestFirst),
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
    async claim({ owner, limit, ttlMs, now, maxActive }) {
      open();
      const all = [...tasks.values()];
      const room = maxActive === undefined ? limit : Math.min(limit, maxActive - all.filter((stored) => isActive(stored, now)).length);
      if (room <= 0) return [];
      const claimable = all
        .filter((stored) => !isTerminalStatus(stored.snapshot.status) && !isActive(stored, now))
        .sort((a, b) => oldestFirst(a.snapshot, b.snapshot))
        .slice(0, room);
      return claimable.map((stored): TaskLease => {
        stored.lease = { owner, epoch: (stored.lease?.epoch ?? 0) + 1, expiresAt: now + ttlMs };
        return { taskId: stored.snapshot.id, owner, epoch: stored.lease.epoch, expiresAt: stored.lease.expiresAt };
      });
    },
    async renew(owner, leases, { ttlMs, now }) {
      open();
      const renewed: TaskLease[] = [];
      const lost: string[] = [];
      for (const { taskId, epoch } of leases) {
        const stored = tasks.get(taskId);
        const lease = stored?.lease;
        if (!stored || !lease || lease.owner !== owner || lease.epoch !== epoch || isTerminalStatus(stored.snapshot.status)) {
          lost.push(taskId);
          continue;
        }
        lease.expiresAt = now + ttlMs;
        renewed.push({ taskId, owner, epoch, expiresAt: lease.expiresAt });
      }
      return { renewed, lost };
    },
    async release({ taskId, owner, epoch }) {
      open();
      const lease = tasks.get(taskId)?.lease;
      if (lease?.owner === owner && lease.epoch === epoch) delete lease.owner;
    },
    async countActive(now) {
      open();
      return [...tasks.values()].filter((stored) => isActive(stored, now)).length;
    },
    async close() {
      closed = true;
    },
  };
};
