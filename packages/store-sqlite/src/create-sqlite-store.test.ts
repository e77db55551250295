import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmpoError, type OrchestratorEvent, type Task, transition } from '@ampo/core';
import { describeTaskLeases, describeTaskStore } from '@ampo/core/conformance';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createdTask } from './__fixtures__/tasks.js';
import { createSqliteStore } from './create-sqlite-store.js';

const dayMs = 86_400_000;

const directory = mkdtempSync(join(tmpdir(), 'ampo-store-conformance-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;

describeTaskStore({ name: 'sqlite (file)', create: () => createSqliteStore({ filename: join(directory, `store-${++files}.db`) }) });
describeTaskStore({ name: 'sqlite (:memory:)', create: () => createSqliteStore({ filename: ':memory:' }) });
describeTaskLeases({ name: 'sqlite (file)', create: () => createSqliteStore({ filename: join(directory, `leases-${++files}.db`) }) });

describe('the sqlite store', () => {
  const taskEvents = (taskId: string, first: OrchestratorEvent, later: ReadonlyArray<Record<string, unknown>>) => {
    let task = createdTask(taskId, first.at).snapshot;
    return later.map((partial, index) => {
      const event = { ...partial, taskId, seq: index + 2 } as OrchestratorEvent;
      task = transition(task, event)[0];
      return { event, snapshot: task };
    });
  };

  it('projects CI attempts and the agent session in the same transaction as the events', async () => {
    const database = new Database(':memory:');
    const store = await createSqliteStore({ database });
    const { event, snapshot } = createdTask('t-1', 1_000);
    await store.append('t-1', [event], snapshot);
    const steps = taskEvents('t-1', event, [
      { type: 'task-started', at: 1_001 },
      { type: 'workspace-created', at: 1_002, workspaceId: 'ws-1' },
      { type: 'repo-cloned', at: 1_003, baseSha: 'a'.repeat(40) },
      { type: 'agent-turn-started', at: 1_004, turn: 1, reason: 'initial', prompt: 'Fix issue t-1' },
      { type: 'agent-session-started', at: 1_005, sessionId: 'T-1' },
      { type: 'agent-turn-ended', at: 1_006, turn: 1, outcome: 'completed' },
      { type: 'branch-pushed', at: 1_007, branch: 'ampo/t-1', sha: 'b'.repeat(40), changed: true },
      { type: 'pull-request-opened', at: 1_008, pullRequest: { number: 1, url: 'http://127.0.0.1/pr/1' } },
      {
        type: 'ci-run-end',
        at: 1_009,
        sha: 'b'.repeat(40),
        conclusion: 'failure',
        checks: [],
        failures: [{ check: 'test', kind: 'test', message: 'boom' }],
        baseFailures: [],
      },
      { type: 'agent-turn-started', at: 1_010, turn: 2, reason: 'ci-feedback', prompt: 'fix it' },
    ]);
    const attempts = () => database.prepare('select attempt, sha, conclusion, ended_at from ci_attempts order by attempt').all();
    const session = () => {
      const row = database.prepare('select kind, thread_id, turn_log_offsets from agent_sessions').get() as
        | { kind: string; thread_id: string | null; turn_log_offsets: string }
        | undefined;
      return row && { ...row, turn_log_offsets: JSON.parse(row.turn_log_offsets) as unknown };
    };
    // Up to the first turn, with some of its log written before the second step.
    for (const step of steps.slice(0, 4)) await store.append('t-1', [step.event], step.snapshot);
    await store.appendLogs('t-1', [{ at: 1_004, stream: 'stdout', text: 'working' }]);
    expect(session()).toEqual({
      kind: 'amp',
      thread_id: null,
      turn_log_offsets: [{ turn: 1, reason: 'initial', eventSeq: 5, logSeq: 0, at: 1_004 }],
    });
    // Up to the PR: CI is watched for the pushed commit.
    const upToPr = steps.slice(4, 8);
    await store.append(
      't-1',
      upToPr.map((step) => step.event),
      upToPr.at(-1)?.snapshot as Task,
    );
    expect(session()?.thread_id).toBe('T-1');
    expect(attempts()).toEqual([{ attempt: 1, sha: 'b'.repeat(40), conclusion: null, ended_at: null }]);
    // CI fails; the feedback turn starts.
    const rest = steps.slice(8);
    await store.append(
      't-1',
      rest.map((step) => step.event),
      rest.at(-1)?.snapshot as Task,
    );
    expect(attempts()).toEqual([{ attempt: 1, sha: 'b'.repeat(40), conclusion: 'failure', ended_at: 1_009 }]);
    expect(session()?.turn_log_offsets).toEqual([
      { turn: 1, reason: 'initial', eventSeq: 5, logSeq: 0, at: 1_004 },
      { turn: 2, reason: 'ci-feedback', eventSeq: 11, logSeq: 1, at: 1_010 },
    ]);
    // A conflicting append leaves the projections as they were.
    const before = [attempts(), session()];
    await expect(store.append('t-1', [rest[0]?.event as OrchestratorEvent], rest.at(-1)?.snapshot as Task)).rejects.toThrow(
      /does not follow/,
    );
    expect([attempts(), session()]).toEqual(before);
    await store.close();
    // An injected database stays open for its owner.
    expect(database.open).toBe(true);
    expect(database.pragma('foreign_keys', { simple: true })).toBe(1);
    database.close();
  });

  it('prunes the logs of tasks that finished longer ago than the retention, and never reuses their seqs', async () => {
    let now = 10 * dayMs;
    const filename = join(directory, `retention-${++files}.db`);
    const store = await createSqliteStore({ filename, logRetentionDays: 3, now: () => now });
    const finishedOld = createdTask('t-old', 1_000);
    const finishedRecent = createdTask('t-recent', 2_000);
    const running = createdTask('t-running', 3_000);
    for (const { event, snapshot } of [finishedOld, finishedRecent, running]) {
      await store.append(event.taskId, [event], snapshot);
      await store.appendLogs(event.taskId, [{ at: event.at, stream: 'stdout', text: `log of ${event.taskId}` }]);
    }
    const cancel = async (task: { event: OrchestratorEvent; snapshot: Task }, at: number) => {
      const event = { type: 'task-cancel-requested', taskId: task.event.taskId, seq: 2, at } as const;
      await store.append(event.taskId, [event], transition(task.snapshot, event)[0]);
    };
    await cancel(finishedOld, 5 * dayMs);
    await cancel(finishedRecent, 8 * dayMs);
    expect(await store.pruneLogs()).toBe(1);
    expect(await store.readLogs('t-old')).toEqual([]);
    expect(await store.readLogs('t-recent')).toHaveLength(1);
    expect(await store.readLogs('t-running')).toHaveLength(1);
    expect(await store.readEvents('t-old')).toHaveLength(2);
    const [next] = await store.appendLogs('t-old', [{ at: now, stream: 'system', text: 'after pruning' }]);
    expect(next?.seq).toBe(2);
    now = 20 * dayMs;
    expect(await store.pruneLogs(30)).toBe(0);
    expect(await store.pruneLogs()).toBe(2);
    expect(await store.readLogs('t-running')).toHaveLength(1);
    await store.close();
    // Without a retention setting nothing is pruned.
    const keeping = await createSqliteStore({ filename });
    expect(await keeping.pruneLogs()).toBe(0);
    await keeping.close();
  });

  it('reports a lock held longer than the busy timeout as a retryable error that names the file', async () => {
    const filename = join(directory, `busy-${++files}.db`);
    const store = await createSqliteStore({ filename, busyTimeoutMs: 20 });
    const other = new Database(filename);
    other.exec('begin immediate');
    const { event, snapshot } = createdTask('t-1', 1_000);
    try {
      const error = await store.append('t-1', [event], snapshot).catch((caught: unknown) => caught);
      expect(AmpoError.isInstance(error) && error.code).toBe('unavailable');
      expect(AmpoError.isInstance(error) && error.retryable).toBe(true);
      expect(String((error as Error).message)).toContain(filename);
    } finally {
      other.exec('rollback');
      other.close();
    }
    await store.append('t-1', [event], snapshot);
    expect(await store.getTask('t-1')).toEqual(snapshot);
    await store.close();
  });
});
