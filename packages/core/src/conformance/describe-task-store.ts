import { describe, expect } from 'vitest';
import type { OrchestratorEvent, UnsequencedEvent } from '../domain/events.js';
import { CreateTask, type CreateTaskInput, type TaskStatus, terminalStatuses } from '../domain/task.js';
import type { Task } from '../domain/task-state.js';
import { AmpoError, type AmpoErrorCode } from '../errors.js';
import { initialTask, transition } from '../machine/transition.js';
import type { TaskStore } from '../ports/task-store.js';
import { conformanceCases, rejection } from './suite-support.js';

export interface DescribeTaskStoreOptions {
  /** Shown in the suite's title, e.g. `sqlite (file)`. */
  name: string;
  /** A fresh, empty store for each case. The suite closes it after the case. */
  create: () => TaskStore | Promise<TaskStore>;
  /** Cases to skip, by exact name, each with the reason. */
  skip?: Readonly<Record<string, string>>;
}

/** A task under construction: its events so far and the snapshot they fold into. */
interface Draft {
  id: string;
  snapshot: Task;
  events: OrchestratorEvent[];
}

const startDraft = (
  id: string,
  at: number,
  request: Partial<CreateTaskInput> = {},
  idempotencyKey?: string,
): { draft: Draft; event: OrchestratorEvent } => {
  const event: OrchestratorEvent = {
    type: 'task-created',
    taskId: id,
    seq: 1,
    at,
    request: CreateTask.parse({ repo: 'acme/widgets', prompt: `Fix issue ${id}`, ...request }),
    branch: `ampo/${id}`,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
  return { draft: { id, snapshot: initialTask(event), events: [event] }, event };
};

/** The next events of a draft, folded through `transition`; the draft itself is not changed. */
const advance = (draft: Draft, next: readonly UnsequencedEvent[]): { draft: Draft; events: OrchestratorEvent[] } => {
  let snapshot = draft.snapshot;
  const events: OrchestratorEvent[] = [];
  for (const [index, partial] of next.entries()) {
    const event = { ...partial, seq: draft.events.length + index + 1 } as OrchestratorEvent;
    snapshot = transition(snapshot, event)[0];
    events.push(event);
  }
  return { draft: { id: draft.id, snapshot, events: [...draft.events, ...events] }, events };
};

const expectCode = async (promise: Promise<unknown>, code: AmpoErrorCode) => {
  expect((await rejection(promise)).code).toBe(code);
};

/**
 * The conformance suite of the {@link TaskStore} port. Every store runs it against the real
 * thing; a case is skipped only by name with a reason (`skip`).
 */
export const describeTaskStore = ({ name, create, skip = {} }: DescribeTaskStoreOptions): void => {
  describe(`TaskStore conformance: ${name}`, () => {
    const { open, test } = conformanceCases(create, skip);

    /** Creates a task in the store, optionally advanced by more events, and returns its draft. */
    const seed = async (
      store: TaskStore,
      id: string,
      at: number,
      options: { request?: Partial<CreateTaskInput>; status?: TaskStatus; idempotencyKey?: string } = {},
    ) => {
      const { draft, event } = startDraft(id, at, options.request, options.idempotencyKey);
      await store.append(id, [event], draft.snapshot);
      if (!options.status || options.status === 'queued') return draft;
      return moveTo(store, draft, options.status, at + 1);
    };

    /** Moves a task to `status` with a recorded status change, as a store sees any status change. */
    const moveTo = async (store: TaskStore, draft: Draft, status: TaskStatus, at: number) => {
      const event = {
        type: 'task-status-changed',
        taskId: draft.id,
        seq: draft.events.length + 1,
        at,
        from: draft.snapshot.status,
        to: status,
      } as const;
      const snapshot: Task = { ...draft.snapshot, status, lastSeq: event.seq, updatedAt: at };
      await store.append(draft.id, [event], snapshot);
      return { id: draft.id, snapshot, events: [...draft.events, event] };
    };

    const listAll = async (store: TaskStore, query: Parameters<TaskStore['listTasks']>[0] = {}) => {
      const seen: Task[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 1000; page++) {
        const result = await store.listTasks({ ...query, ...(cursor ? { cursor } : {}) });
        seen.push(...result.tasks);
        if (!result.nextCursor) return seen;
        expect(result.tasks.length).toBeGreaterThan(0);
        cursor = result.nextCursor;
      }
      throw new Error('listTasks never reached a last page');
    };

    describe('append', () => {
      test('the first append creates the task with its snapshot and events', async () => {
        const store = await open();
        const { draft, event } = startDraft('t-1', 1_000);
        await store.append('t-1', [event], draft.snapshot);
        expect(await store.getTask('t-1')).toEqual(draft.snapshot);
        expect(await store.readEvents('t-1')).toEqual([event]);
      });

      test('an unknown task has no snapshot, no events and no logs', async () => {
        const store = await open();
        expect(await store.getTask('nope')).toBeUndefined();
        expect(await store.readEvents('nope')).toEqual([]);
        expect(await store.readLogs('nope')).toEqual([]);
      });

      test('later appends add events and replace the snapshot', async () => {
        const store = await open();
        const draft = await seed(store, 't-1', 1_000);
        const started = advance(draft, [
          { type: 'task-started', taskId: 't-1', at: 1_010 },
          { type: 'workspace-created', taskId: 't-1', at: 1_020, workspaceId: 'ws-1' },
        ]);
        await store.append('t-1', started.events, started.draft.snapshot);
        const task = await store.getTask('t-1');
        expect(task).toEqual(started.draft.snapshot);
        expect(task?.status).toBe('cloning');
        expect(task?.lastSeq).toBe(3);
        expect((await store.readEvents('t-1')).map((event) => event.seq)).toEqual([1, 2, 3]);
      });

      test('a gap in seqs is a conflict and writes nothing', async () => {
        const store = await open();
        const draft = await seed(store, 't-1', 1_000);
        const next = advance(draft, [
          { type: 'task-started', taskId: 't-1', at: 1_010 },
          { type: 'workspace-created', taskId: 't-1', at: 1_020, workspaceId: 'ws-1' },
        ]);
        const [second, third] = next.events as [OrchestratorEvent, OrchestratorEvent];
        await expectCode(store.append('t-1', [third], next.draft.snapshot), 'conflict');
        await expectCode(store.append('t-1', [second, { ...third, seq: 4 }], next.draft.snapshot), 'conflict');
        expect(await store.getTask('t-1')).toEqual(draft.snapshot);
        expect(await store.readEvents('t-1')).toEqual(draft.events);
      });

      test('a duplicate seq is a conflict and writes nothing', async () => {
        const store = await open();
        const draft = await seed(store, 't-1', 1_000);
        const next = advance(draft, [{ type: 'task-started', taskId: 't-1', at: 1_010 }]);
        const [second] = next.events as [OrchestratorEvent];
        // Another writer creating the same task again.
        const again = startDraft('t-1', 2_000);
        await expectCode(store.append('t-1', [again.event], again.draft.snapshot), 'conflict');
        // A batch repeating a seq inside itself.
        await expectCode(store.append('t-1', [second, second], next.draft.snapshot), 'conflict');
        expect(await store.getTask('t-1')).toEqual(draft.snapshot);
        expect(await store.readEvents('t-1')).toEqual(draft.events);
        await store.append('t-1', [second], next.draft.snapshot);
        await expectCode(store.append('t-1', [second], next.draft.snapshot), 'conflict');
        expect(await store.readEvents('t-1')).toEqual(next.draft.events);
      });

      test('an event of another task is rejected and writes nothing', async () => {
        const store = await open();
        const draft = await seed(store, 't-1', 1_000);
        const next = advance(draft, [{ type: 'task-started', taskId: 't-2', at: 1_010 }]);
        await rejection(store.append('t-1', next.events, next.draft.snapshot));
        expect(await store.readEvents('t-1')).toEqual(draft.events);
        expect(await store.getTask('t-2')).toBeUndefined();
      });

      test('of two concurrent appends with the same seq exactly one wins', async () => {
        const store = await open();
        const draft = await seed(store, 't-1', 1_000);
        const first = advance(draft, [{ type: 'task-started', taskId: 't-1', at: 1_010 }]);
        const second = advance(draft, [{ type: 'task-cancel-requested', taskId: 't-1', at: 1_011, reason: 'changed my mind' }]);
        const results = await Promise.allSettled([
          store.append('t-1', first.events, first.draft.snapshot),
          store.append('t-1', second.events, second.draft.snapshot),
        ]);
        const fulfilled = results.filter((result) => result.status === 'fulfilled');
        const rejected = results.filter((result) => result.status === 'rejected');
        expect(fulfilled).toHaveLength(1);
        expect(rejected).toHaveLength(1);
        expect(AmpoError.isInstance(rejected[0]?.reason) && rejected[0].reason.code).toBe('conflict');
        const winner = results[0]?.status === 'fulfilled' ? first : second;
        expect(await store.readEvents('t-1')).toEqual(winner.draft.events);
        expect(await store.getTask('t-1')).toEqual(winner.draft.snapshot);
      });

      test('the snapshot round-trips every field', async () => {
        const store = await open();
        const { draft, event } = startDraft('t-1', 1_000, {
          title: 'Make the widgets spin',
          checks: [{ name: 'test', command: 'npm test' }],
          budget: { maxCostUsd: 2.5 },
          labels: { team: 'core' },
        });
        const snapshot: Task = {
          ...draft.snapshot,
          status: 'ci-waiting',
          workspaceId: 'ws-1',
          baseSha: 'a'.repeat(40),
          headSha: 'b'.repeat(40),
          pullRequest: { number: 7, url: 'http://127.0.0.1/pr/7' },
          agentSessionId: 'T-123',
          currentTurn: { turn: 2, reason: 'ci-feedback', prompt: 'Fix the test', started: true, startRetries: 0 },
          turnsStarted: 2,
          attempts: [
            {
              attempt: 1,
              sha: 'c'.repeat(40),
              conclusion: 'failure',
              failures: [{ check: 'test', kind: 'test', file: 'src/a.ts', line: 3, message: 'expected 1 to be 2 — ünïcode ✓' }],
              signature: 'sig-1',
              startedAt: 1_100,
              endedAt: 1_200,
            },
          ],
          ciWatch: { sha: 'b'.repeat(40), attempt: 2, since: 1_300 },
          checks: [{ name: 'test', state: 'in_progress' }],
          pendingMessages: ['also update the docs'],
          usage: { inputTokens: 10, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 2, costUsd: 0.25 },
        };
        await store.append('t-1', [event], snapshot);
        expect(await store.getTask('t-1')).toEqual(snapshot);
      });

      test('returned values are copies', async () => {
        const store = await open();
        const draft = await seed(store, 't-1', 1_000);
        const task = await store.getTask('t-1');
        if (!task) throw new Error('no task');
        task.status = 'failed';
        task.pendingMessages.push('mutated');
        const events = await store.readEvents('t-1');
        (events[0] as { at: number }).at = 0;
        expect(await store.getTask('t-1')).toEqual(draft.snapshot);
        expect(await store.readEvents('t-1')).toEqual(draft.events);
      });
    });

    describe('readEvents', () => {
      test('reads after a seq, with a limit, in order', async () => {
        const store = await open();
        const draft = await seed(store, 't-1', 1_000);
        const more = advance(
          draft,
          [1, 2, 3, 4].map((n) => ({ type: 'message-received', taskId: 't-1', at: 1_000 + n, text: `message ${n}` }) as const),
        );
        await store.append('t-1', more.events, more.draft.snapshot);
        const seqs = async (options: { afterSeq?: number; limit?: number }) =>
          (await store.readEvents('t-1', options)).map((event) => event.seq);
        expect(await seqs({})).toEqual([1, 2, 3, 4, 5]);
        expect(await seqs({ afterSeq: 2 })).toEqual([3, 4, 5]);
        expect(await seqs({ afterSeq: 2, limit: 2 })).toEqual([3, 4]);
        expect(await seqs({ limit: 1 })).toEqual([1]);
        expect(await seqs({ afterSeq: 5 })).toEqual([]);
        expect(await store.readEvents('t-1', { afterSeq: 1, limit: 1 })).toEqual([more.events[0]]);
      });

      test("events of one task do not show in another's", async () => {
        const store = await open();
        const one = await seed(store, 't-1', 1_000);
        const two = await seed(store, 't-2', 2_000);
        expect(await store.readEvents('t-1')).toEqual(one.events);
        expect(await store.readEvents('t-2')).toEqual(two.events);
      });
    });

    describe('listTasks', () => {
      test('lists newest first, ties broken by id, and pages by cursor without skips or repeats', async () => {
        const store = await open();
        // Two pairs share a creation time, so the order must fall back to the id.
        const times = [5_000, 1_000, 3_000, 3_000, 4_000, 2_000, 2_000, 6_000];
        for (const [index, at] of times.entries()) await seed(store, `t-${index}`, at);
        const expected = times
          .map((at, index) => ({ at, id: `t-${index}` }))
          .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
          .map((task) => task.id);
        for (const limit of [1, 3, 8, 50]) {
          const seen = await listAll(store, { limit });
          expect(seen.map((task) => task.id)).toEqual(expected);
        }
        const first = await store.listTasks({ limit: 3 });
        expect(first.tasks).toHaveLength(3);
        expect(first.nextCursor).toEqual(expect.any(String));
        const last = await store.listTasks({ limit: 8 });
        expect(last.tasks).toHaveLength(8);
        expect(last.nextCursor).toBeUndefined();
      });

      test('an empty store lists nothing', async () => {
        const store = await open();
        expect(await store.listTasks()).toEqual({ tasks: [] });
      });

      test('returns 50 tasks by default', async () => {
        const store = await open();
        for (let index = 0; index < 51; index++) await seed(store, `t-${String(index).padStart(2, '0')}`, 1_000 + index);
        const page = await store.listTasks();
        expect(page.tasks).toHaveLength(50);
        expect(page.tasks[0]?.id).toBe('t-50');
        const rest = await store.listTasks({ cursor: page.nextCursor });
        expect(rest.tasks.map((task) => task.id)).toEqual(['t-00']);
        expect(rest.nextCursor).toBeUndefined();
      });

      test('a cursor stays stable while tasks are added and updated', async () => {
        const store = await open();
        const drafts = [];
        for (let index = 0; index < 6; index++) drafts.push(await seed(store, `t-${index}`, 1_000 + index));
        const first = await store.listTasks({ limit: 3 });
        expect(first.tasks.map((task) => task.id)).toEqual(['t-5', 't-4', 't-3']);
        // A newer task and an update of an older one between two pages.
        await seed(store, 't-new', 9_000);
        const updated = advance(drafts[1] as Draft, [{ type: 'task-started', taskId: 't-1', at: 9_500 }]);
        await store.append('t-1', updated.events, updated.draft.snapshot);
        const second = await store.listTasks({ limit: 3, cursor: first.nextCursor });
        expect(second.tasks.map((task) => task.id)).toEqual(['t-2', 't-1', 't-0']);
        expect(second.tasks[1]?.status).toBe('provisioning');
        expect(second.nextCursor).toBeUndefined();
      });

      test('filters by one status, by several, and by repo, and pages within the filter', async () => {
        const store = await open();
        const plan: Array<[string, TaskStatus, string]> = [
          ['t-0', 'queued', 'acme/widgets'],
          ['t-1', 'succeeded', 'acme/widgets'],
          ['t-2', 'failed', 'acme/gears'],
          ['t-3', 'queued', 'acme/gears'],
          ['t-4', 'cancelled', 'acme/widgets'],
          ['t-5', 'succeeded', 'acme/gears'],
          ['t-6', 'queued', 'acme/widgets'],
        ];
        for (const [index, [id, status, repo]] of plan.entries()) await seed(store, id, 1_000 + index * 10, { status, request: { repo } });
        const ids = (tasks: Task[]) => tasks.map((task) => task.id);
        expect(ids(await listAll(store, { status: 'queued', limit: 2 }))).toEqual(['t-6', 't-3', 't-0']);
        expect(ids(await listAll(store, { status: ['succeeded', 'failed'], limit: 1 }))).toEqual(['t-5', 't-2', 't-1']);
        expect(ids(await listAll(store, { status: [] }))).toEqual([]);
        expect(ids(await listAll(store, { repo: 'acme/gears', limit: 2 }))).toEqual(['t-5', 't-3', 't-2']);
        expect(ids(await listAll(store, { repo: 'acme/widgets', status: 'queued' }))).toEqual(['t-6', 't-0']);
        expect(ids(await listAll(store, { repo: 'acme/nothing' }))).toEqual([]);
      });

      test('the status filter follows status changes', async () => {
        const store = await open();
        const draft = await seed(store, 't-1', 1_000);
        await seed(store, 't-2', 2_000);
        const started = advance(draft, [{ type: 'task-started', taskId: 't-1', at: 1_010 }]);
        await store.append('t-1', started.events, started.draft.snapshot);
        expect((await store.listTasks({ status: 'queued' })).tasks.map((task) => task.id)).toEqual(['t-2']);
        expect((await store.listTasks({ status: 'provisioning' })).tasks.map((task) => task.id)).toEqual(['t-1']);
      });

      test('filters by labels (every one must match) and pages within the filter', async () => {
        const store = await open();
        const plan: Array<[string, Record<string, string> | undefined]> = [
          ['t-0', { team: 'web', priority: 'high' }],
          ['t-1', { team: 'web' }],
          ['t-2', undefined],
          ['t-3', { team: 'api', priority: 'high' }],
          ['t-4', { team: 'web', priority: 'high', 'odd "key"': 'x y' }],
        ];
        for (const [index, [id, labels]] of plan.entries()) await seed(store, id, 1_000 + index, { request: labels ? { labels } : {} });
        const ids = (tasks: Task[]) => tasks.map((task) => task.id);
        expect(ids(await listAll(store, { labels: { team: 'web' }, limit: 1 }))).toEqual(['t-4', 't-1', 't-0']);
        expect(ids(await listAll(store, { labels: { team: 'web', priority: 'high' } }))).toEqual(['t-4', 't-0']);
        expect(ids(await listAll(store, { labels: { priority: 'high' }, repo: 'acme/widgets' }))).toEqual(['t-4', 't-3', 't-0']);
        expect(ids(await listAll(store, { labels: { 'odd "key"': 'x y' } }))).toEqual(['t-4']);
        expect(ids(await listAll(store, { labels: { team: 'nobody' } }))).toEqual([]);
        expect(ids(await listAll(store, { labels: {} }))).toHaveLength(5);
      });

      test('filters by the time of the last event', async () => {
        const store = await open();
        const old = await seed(store, 't-old', 1_000);
        await seed(store, 't-quiet', 2_000);
        await seed(store, 't-new', 5_000);
        const touched = advance(old, [{ type: 'task-started', taskId: 't-old', at: 6_000 }]);
        await store.append('t-old', touched.events, touched.draft.snapshot);
        const ids = (tasks: Task[]) => tasks.map((task) => task.id);
        expect(ids(await listAll(store, { updatedSince: 5_000 }))).toEqual(['t-new', 't-old']);
        expect(ids(await listAll(store, { updatedSince: 6_001 }))).toEqual([]);
        expect(ids(await listAll(store, { updatedSince: 0, limit: 1 }))).toEqual(['t-new', 't-quiet', 't-old']);
      });

      test('a cursor the store did not hand out is invalid input', async () => {
        const store = await open();
        await seed(store, 't-1', 1_000);
        await expectCode(store.listTasks({ cursor: 'not a cursor' }), 'invalid-input');
      });
    });

    describe('idempotency keys', () => {
      test('a task is found by the key it was created with', async () => {
        const store = await open();
        await seed(store, 't-1', 1_000, { idempotencyKey: 'key-1' });
        await seed(store, 't-2', 2_000);
        expect((await store.findByIdempotencyKey('key-1'))?.id).toBe('t-1');
        expect(await store.findByIdempotencyKey('key-2')).toBeUndefined();
      });

      test('a second task with a key already used is a conflict and writes nothing', async () => {
        const store = await open();
        await seed(store, 't-1', 1_000, { idempotencyKey: 'key-1' });
        const { draft, event } = startDraft('t-2', 2_000, {}, 'key-1');
        const error = await rejection(store.append('t-2', [event], draft.snapshot));
        expect(error.code).toBe('conflict');
        expect(error.details).toMatchObject({ idempotencyKey: 'key-1' });
        expect(await store.getTask('t-2')).toBeUndefined();
        expect(await store.readEvents('t-2')).toEqual([]);
        expect((await store.findByIdempotencyKey('key-1'))?.id).toBe('t-1');
      });

      test('later appends keep the key', async () => {
        const store = await open();
        const draft = await seed(store, 't-1', 1_000, { idempotencyKey: 'key-1' });
        const started = advance(draft, [{ type: 'task-started', taskId: 't-1', at: 1_010 }]);
        await store.append('t-1', started.events, started.draft.snapshot);
        expect((await store.findByIdempotencyKey('key-1'))?.status).toBe('provisioning');
      });
    });

    describe('listUnfinished', () => {
      test('lists tasks not in a terminal status, oldest first', async () => {
        const store = await open();
        const plan: Array<[string, number, TaskStatus]> = [
          ['t-a', 3_000, 'agent-running'],
          ['t-b', 1_000, 'succeeded'],
          ['t-c', 2_000, 'queued'],
          ['t-d', 5_000, 'failed'],
          ['t-e', 4_000, 'cancelled'],
          ['t-f', 2_000, 'ci-waiting'],
          ['t-g', 6_000, 'feedback'],
        ];
        for (const [id, at, status] of plan) await seed(store, id, at, { status });
        const unfinished = await store.listUnfinished();
        expect(unfinished.map((task) => task.id)).toEqual(['t-c', 't-f', 't-a', 't-g']);
        expect(unfinished.every((task) => !terminalStatuses.has(task.status))).toBe(true);
      });

      test('a task leaves the list when it finishes', async () => {
        const store = await open();
        const draft = await seed(store, 't-1', 1_000);
        expect((await store.listUnfinished()).map((task) => task.id)).toEqual(['t-1']);
        const cancelled = advance(draft, [{ type: 'task-cancel-requested', taskId: 't-1', at: 1_010 }]);
        expect(cancelled.draft.snapshot.status).toBe('cancelled');
        await store.append('t-1', cancelled.events, cancelled.draft.snapshot);
        expect(await store.listUnfinished()).toEqual([]);
      });
    });

    describe('logs', () => {
      const chunk = (text: string, stream: 'stdout' | 'stderr' | 'system' = 'stdout') => ({ at: 1_500, stream, text });

      test('appendLogs assigns contiguous seqs per task from 1', async () => {
        const store = await open();
        await seed(store, 't-1', 1_000);
        await seed(store, 't-2', 2_000);
        const first = await store.appendLogs('t-1', [chunk('a'), chunk('b', 'stderr')]);
        expect(first).toEqual([
          { taskId: 't-1', seq: 1, at: 1_500, stream: 'stdout', text: 'a' },
          { taskId: 't-1', seq: 2, at: 1_500, stream: 'stderr', text: 'b' },
        ]);
        const other = await store.appendLogs('t-2', [{ ...chunk('x', 'system'), source: 'turn-1' }]);
        expect(other).toEqual([{ taskId: 't-2', seq: 1, at: 1_500, stream: 'system', source: 'turn-1', text: 'x' }]);
        const second = await store.appendLogs('t-1', [chunk('c')]);
        expect(second.map((log) => log.seq)).toEqual([3]);
        expect(await store.appendLogs('t-1', [])).toEqual([]);
        expect(await store.readLogs('t-1')).toEqual([...first, ...second]);
        expect(await store.readLogs('t-2')).toEqual(other);
      });

      test('concurrent appendLogs neither skip nor repeat a seq', async () => {
        const store = await open();
        await seed(store, 't-1', 1_000);
        const batches = await Promise.all(
          Array.from({ length: 5 }, (_, batch) => store.appendLogs('t-1', [chunk(`${batch}-a`), chunk(`${batch}-b`)])),
        );
        const seqs = batches.flat().map((log) => log.seq);
        expect([...seqs].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect((await store.readLogs('t-1')).map((log) => log.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      });

      test('readLogs reads after a seq, with a limit, and keeps text exactly', async () => {
        const store = await open();
        await seed(store, 't-1', 1_000);
        const text = 'line one\r\n\ttabbed ünïcode ✓\u0000nul\n';
        await store.appendLogs('t-1', [chunk('1'), chunk('2'), chunk(text), chunk('4')]);
        expect((await store.readLogs('t-1', { afterSeq: 1, limit: 2 })).map((log) => log.text)).toEqual(['2', text]);
        expect((await store.readLogs('t-1', { afterSeq: 3 })).map((log) => log.seq)).toEqual([4]);
        expect(await store.readLogs('t-1', { afterSeq: 4 })).toEqual([]);
      });

      test('appending logs to an unknown task is not-found', async () => {
        const store = await open();
        await expectCode(store.appendLogs('nope', [chunk('a')]), 'not-found');
      });
    });

    describe('close', () => {
      test('is idempotent, and the store refuses work afterwards', async () => {
        const store = await open();
        await seed(store, 't-1', 1_000);
        await store.close();
        await store.close();
        await rejection(store.getTask('t-1'));
        const { draft, event } = startDraft('t-2', 2_000);
        await rejection(store.append('t-2', [event], draft.snapshot));
      });
    });
  });
};
