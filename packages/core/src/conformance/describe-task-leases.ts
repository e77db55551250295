import { describe, expect } from 'vitest';
import type { OrchestratorEvent } from '../domain/events.js';
import { CreateTask, type TaskStatus } from '../domain/task.js';
import type { Task } from '../domain/task-state.js';
import { initialTask } from '../machine/transition.js';
import type { TaskLease, TaskLeases } from '../ports/task-leases.js';
import type { TaskStore } from '../ports/task-store.js';
import { conformanceCases, rejection } from './suite-support.js';

export interface DescribeTaskLeasesOptions {
  /** Shown in the suite's title, e.g. `postgres`. */
  name: string;
  /** A fresh, empty store for each case. The suite closes it after the case. */
  create: () => (TaskStore & TaskLeases) | Promise<TaskStore & TaskLeases>;
  /** Cases to skip, by exact name, each with the reason. */
  skip?: Readonly<Record<string, string>>;
}

const ttlMs = 10_000;
const t0 = 1_000_000;

/** One stored task as the suite tracks it: its snapshot and how many events it has. */
interface Seeded {
  id: string;
  snapshot: Task;
  lastSeq: number;
}

const ids = (leases: readonly TaskLease[]) => leases.map((lease) => lease.taskId);

/**
 * The conformance suite of the {@link TaskLeases} port and of the `fence` of `TaskStore.append`.
 * Every store that can be shared by several instances runs it against the real thing; a case is
 * skipped only by name with a reason (`skip`).
 */
export const describeTaskLeases = ({ name, create, skip = {} }: DescribeTaskLeasesOptions): void => {
  describe(`TaskLeases conformance: ${name}`, () => {
    const { open, test } = conformanceCases(create, skip);

    /** Creates a task (an unfenced append), created at `at`. */
    const seed = async (store: TaskStore, id: string, at: number): Promise<Seeded> => {
      const event: OrchestratorEvent = {
        type: 'task-created',
        taskId: id,
        seq: 1,
        at,
        request: CreateTask.parse({ repo: 'acme/widgets', prompt: `Fix issue ${id}` }),
        branch: `ampo/${id}`,
      };
      const snapshot = initialTask(event);
      await store.append(id, [event], snapshot);
      return { id, snapshot, lastSeq: 1 };
    };

    /** One status change, optionally fenced. */
    const moveTo = async (store: TaskStore, task: Seeded, status: TaskStatus, fence?: Pick<TaskLease, 'owner' | 'epoch'>) => {
      const at = task.snapshot.updatedAt + 1;
      const event = {
        type: 'task-status-changed',
        taskId: task.id,
        seq: task.lastSeq + 1,
        at,
        from: task.snapshot.status,
        to: status,
      } as const;
      const snapshot: Task = { ...task.snapshot, status, lastSeq: event.seq, updatedAt: at };
      await store.append(task.id, [event], snapshot, fence ? { fence } : undefined);
      return { id: task.id, snapshot, lastSeq: event.seq };
    };

    const claim = (store: TaskLeases, owner: string, now: number, limit = 10, maxActive?: number) =>
      store.claim({ owner, limit, ttlMs, now, ...(maxActive === undefined ? {} : { maxActive }) });

    describe('claim', () => {
      test('claims unfinished unowned tasks oldest first, never a finished one', async () => {
        const store = await open();
        await seed(store, 't-c', 3_000);
        const done = await seed(store, 't-a', 1_000);
        await seed(store, 't-b', 2_000);
        await seed(store, 't-e', 5_000);
        const running = await seed(store, 't-d', 4_000);
        await moveTo(store, done, 'succeeded');
        await moveTo(store, running, 'agent-running');
        const cancelled = await seed(store, 't-f', 500);
        await moveTo(store, cancelled, 'cancelled');

        const first = await claim(store, 'a', t0, 2);
        expect(ids(first)).toEqual(['t-b', 't-c']);
        expect(first.every((lease) => lease.owner === 'a' && lease.epoch === 1 && lease.expiresAt === t0 + ttlMs)).toBe(true);
        expect(ids(await claim(store, 'b', t0, 10))).toEqual(['t-d', 't-e']);
        expect(await claim(store, 'c', t0, 10)).toEqual([]);
      });

      test('an empty store has nothing to claim', async () => {
        const store = await open();
        expect(await claim(store, 'a', t0)).toEqual([]);
        expect(await store.countActive(t0)).toBe(0);
      });

      test('a held unexpired lease is claimed by nobody, not even its owner', async () => {
        const store = await open();
        await seed(store, 't-1', 1_000);
        expect(ids(await claim(store, 'a', t0))).toEqual(['t-1']);
        expect(await claim(store, 'b', t0 + 1)).toEqual([]);
        expect(await claim(store, 'b', t0 + ttlMs - 1)).toEqual([]);
        expect(await claim(store, 'a', t0 + ttlMs - 1)).toEqual([]);
      });

      test('an expired lease is claimed by another owner with the next epoch', async () => {
        const store = await open();
        await seed(store, 't-1', 1_000);
        const [first] = await claim(store, 'a', t0);
        expect(first).toMatchObject({ taskId: 't-1', owner: 'a', epoch: 1 });
        const later = t0 + ttlMs + 1;
        const [second] = await claim(store, 'b', later);
        expect(second).toEqual({ taskId: 't-1', owner: 'b', epoch: 2, expiresAt: later + ttlMs });
      });

      test('the epoch grows by one on every claim', async () => {
        const store = await open();
        await seed(store, 't-1', 1_000);
        const epochs: number[] = [];
        let now = t0;
        for (const owner of ['a', 'b', 'b', 'c']) {
          const [lease] = await claim(store, owner, now);
          if (!lease) throw new Error(`${owner} claimed nothing at ${now}`);
          epochs.push(lease.epoch);
          now += ttlMs + 1;
        }
        expect(epochs).toEqual([1, 2, 3, 4]);
        // A release does not reset it.
        const [held] = await claim(store, 'd', now);
        expect(held?.epoch).toBe(5);
        if (held) await store.release(held);
        expect((await claim(store, 'e', now + 1))[0]?.epoch).toBe(6);
      });

      test('maxActive counts unexpired leases across all owners', async () => {
        const store = await open();
        for (let index = 0; index < 6; index++) await seed(store, `t-${index}`, 1_000 + index);
        expect(ids(await claim(store, 'a', t0, 2, 3))).toEqual(['t-0', 't-1']);
        expect(await store.countActive(t0)).toBe(2);
        expect(ids(await claim(store, 'b', t0 + 10, 5, 3))).toEqual(['t-2']);
        expect(await store.countActive(t0 + 10)).toBe(3);
        expect(await claim(store, 'b', t0 + 20, 5, 3)).toEqual([]);
        expect(await claim(store, 'a', t0 + 20, 5, 3)).toEqual([]);
        // Without maxActive, the rest can still be claimed.
        expect(ids(await claim(store, 'c', t0 + 20, 1))).toEqual(['t-3']);
        expect(await store.countActive(t0 + 20)).toBe(4);
        // a's two leases expired (claimed at t0); b's (t0 + 10) and c's (t0 + 20) did not yet.
        const later = t0 + ttlMs + 5;
        expect(await store.countActive(later)).toBe(2);
        expect(ids(await claim(store, 'd', later, 5, 3))).toEqual(['t-0']);
        expect(await store.countActive(later)).toBe(3);
        expect(await store.countActive(t0 + 10 * ttlMs)).toBe(0);
      });

      test('concurrent claims never return the same task twice', async () => {
        const store = await open();
        const total = 24;
        for (let index = 0; index < total; index++) await seed(store, `t-${String(index).padStart(2, '0')}`, 1_000 + index);
        const owners = Array.from({ length: 8 }, (_, index) => `owner-${index}`);
        const results = await Promise.all(owners.map((owner) => claim(store, owner, t0, 4)));
        const claimed = results.flat();
        expect(new Set(ids(claimed)).size).toBe(claimed.length);
        for (const [index, leases] of results.entries()) {
          expect(leases.every((lease) => lease.owner === owners[index] && lease.epoch === 1)).toBe(true);
        }
        // What the racers skipped is still there for one more claim, and nothing twice.
        const rest = await claim(store, 'late', t0, total);
        const all = [...ids(claimed), ...ids(rest)].sort();
        expect(all).toEqual(Array.from({ length: total }, (_, index) => `t-${String(index).padStart(2, '0')}`));
      });
    });

    describe('renew', () => {
      test('extends the leases still held and reports the lost ones', async () => {
        const store = await open();
        const one = await seed(store, 't-1', 1_000);
        await seed(store, 't-2', 2_000);
        await seed(store, 't-3', 3_000);
        const leases = await claim(store, 'a', t0);
        expect(ids(leases)).toEqual(['t-1', 't-2', 't-3']);

        // a renews only t-3 in time; b takes t-1 and t-2 over once they expired, and t-1 ends.
        const renewedEarly = await store.renew('a', leases.slice(2), { ttlMs, now: t0 + ttlMs - 1 });
        expect(renewedEarly).toEqual({ renewed: [{ taskId: 't-3', owner: 'a', epoch: 1, expiresAt: t0 + 2 * ttlMs - 1 }], lost: [] });
        const later = t0 + ttlMs + 1;
        const taken = await claim(store, 'b', later);
        expect(taken.map((lease) => [lease.taskId, lease.owner, lease.epoch])).toEqual([
          ['t-1', 'b', 2],
          ['t-2', 'b', 2],
        ]);
        await moveTo(store, one, 'failed', { owner: 'b', epoch: 2 });

        const result = await store.renew('a', leases, { ttlMs, now: later + 5 });
        expect(result.renewed).toEqual([{ taskId: 't-3', owner: 'a', epoch: 1, expiresAt: later + 5 + ttlMs }]);
        expect([...result.lost].sort()).toEqual(['t-1', 't-2']);
        // The lost leases were left alone.
        const byB = await store.renew('b', [{ taskId: 't-2', epoch: 2 }], { ttlMs, now: later + 6 });
        expect(byB).toEqual({ renewed: [{ taskId: 't-2', owner: 'b', epoch: 2, expiresAt: later + 6 + ttlMs }], lost: [] });
      });

      test('a renewal keeps the task from being claimed', async () => {
        const store = await open();
        await seed(store, 't-1', 1_000);
        const leases = await claim(store, 'a', t0);
        const { renewed, lost } = await store.renew('a', leases, { ttlMs, now: t0 + ttlMs - 1 });
        expect(lost).toEqual([]);
        expect(renewed).toHaveLength(1);
        expect(await claim(store, 'b', t0 + ttlMs + 1)).toEqual([]);
        expect(await store.countActive(t0 + ttlMs + 1)).toBe(1);
        expect(ids(await claim(store, 'b', t0 + 2 * ttlMs))).toEqual(['t-1']);
      });

      test('a task that ended is lost', async () => {
        const store = await open();
        const task = await seed(store, 't-1', 1_000);
        const [lease] = await claim(store, 'a', t0);
        if (!lease) throw new Error('nothing claimed');
        await moveTo(store, task, 'succeeded', lease);
        expect(await store.renew('a', [lease], { ttlMs, now: t0 + 1 })).toEqual({ renewed: [], lost: ['t-1'] });
      });

      test('renewing nothing renews nothing', async () => {
        const store = await open();
        expect(await store.renew('a', [], { ttlMs, now: t0 })).toEqual({ renewed: [], lost: [] });
      });
    });

    describe('release', () => {
      test('frees the task: it no longer counts as active and can be claimed again', async () => {
        const store = await open();
        await seed(store, 't-1', 1_000);
        const [lease] = await claim(store, 'a', t0);
        if (!lease) throw new Error('nothing claimed');
        expect(await store.countActive(t0)).toBe(1);
        await store.release(lease);
        expect(await store.countActive(t0)).toBe(0);
        expect(await claim(store, 'b', t0 + 1)).toEqual([{ taskId: 't-1', owner: 'b', epoch: 2, expiresAt: t0 + 1 + ttlMs }]);
      });

      test('a release by another owner or with another epoch changes nothing', async () => {
        const store = await open();
        await seed(store, 't-1', 1_000);
        const [lease] = await claim(store, 'a', t0);
        if (!lease) throw new Error('nothing claimed');
        await store.release({ ...lease, owner: 'b' });
        await store.release({ ...lease, epoch: lease.epoch + 1 });
        await store.release({ taskId: 'nope', owner: 'a', epoch: 1 });
        expect(await store.countActive(t0)).toBe(1);
        expect(await claim(store, 'b', t0 + 1)).toEqual([]);
        expect((await store.renew('a', [lease], { ttlMs, now: t0 + 2 })).renewed).toHaveLength(1);
      });
    });

    describe('fenced append', () => {
      test('is accepted with the current owner and epoch', async () => {
        const store = await open();
        const task = await seed(store, 't-1', 1_000);
        const [lease] = await claim(store, 'a', t0);
        if (!lease) throw new Error('nothing claimed');
        const moved = await moveTo(store, task, 'provisioning', { owner: 'a', epoch: lease.epoch });
        expect(await store.getTask('t-1')).toEqual(moved.snapshot);
        expect((await store.readEvents('t-1')).map((event) => event.seq)).toEqual([1, 2]);
      });

      test('with a stale epoch or another owner is a fenced conflict and writes nothing', async () => {
        const store = await open();
        const task = await seed(store, 't-1', 1_000);
        const [stale] = await claim(store, 'a', t0);
        const [current] = await claim(store, 'b', t0 + ttlMs + 1);
        if (!stale || !current) throw new Error('nothing claimed');
        expect(current.epoch).toBe(stale.epoch + 1);
        for (const fence of [
          { owner: 'a', epoch: stale.epoch },
          { owner: 'a', epoch: current.epoch },
          { owner: 'b', epoch: stale.epoch },
          { owner: 'c', epoch: current.epoch + 1 },
        ]) {
          const error = await rejection(moveTo(store, task, 'provisioning', fence));
          expect(error.code).toBe('conflict');
          expect(error.details).toMatchObject({ fenced: true });
        }
        expect(await store.getTask('t-1')).toEqual(task.snapshot);
        expect(await store.readEvents('t-1')).toHaveLength(1);
        // The current owner still writes, at the seq the rejected appends did not take.
        const moved = await moveTo(store, task, 'provisioning', { owner: 'b', epoch: current.epoch });
        expect((await store.getTask('t-1'))?.lastSeq).toBe(2);
        expect(moved.lastSeq).toBe(2);
      });

      test('of a task never claimed is a fenced conflict', async () => {
        const store = await open();
        const task = await seed(store, 't-1', 1_000);
        const error = await rejection(moveTo(store, task, 'provisioning', { owner: 'a', epoch: 1 }));
        expect(error.code).toBe('conflict');
        expect(error.details).toMatchObject({ fenced: true });
        expect(await store.readEvents('t-1')).toHaveLength(1);
      });

      test('an append without a fence creates and advances tasks as before', async () => {
        const store = await open();
        const task = await seed(store, 't-1', 1_000);
        const moved = await moveTo(store, task, 'provisioning');
        expect(await store.getTask('t-1')).toEqual(moved.snapshot);
        // Creation needs no lease, and the new task is claimable at once.
        expect(ids(await claim(store, 'a', t0))).toEqual(['t-1']);
      });
    });
  });
};
