import type { OrchestratorEvent, Task } from '@ampo/core';
import { describe, expect, it } from 'vitest';
import { seedTask } from './__fixtures__/tasks.js';
import { useTestPostgres } from './__fixtures__/test-database.js';

const { postgres, openStore } = useTestPostgres();
const dayMs = 86_400_000;

const finish = async (store: Awaited<ReturnType<typeof openStore>>, task: Task, at: number) => {
  const event: OrchestratorEvent = {
    type: 'task-status-changed',
    taskId: task.id,
    seq: task.lastSeq + 1,
    at,
    from: task.status,
    to: 'succeeded',
  };
  await store.append(task.id, [event], { ...task, status: 'succeeded', lastSeq: event.seq, updatedAt: at });
};

describe('PostgreSQL specifics', () => {
  it('keeps NUL and the escape mark in events, snapshots and logs exactly', async () => {
    const store = await openStore();
    try {
      const tricky = 'nul \u0000 mark \uF8FF both \uF8FF0 \u0000\uF8FF end';
      const task = await seedTask(store, 't-1', 1_000);
      const event: OrchestratorEvent = {
        type: 'agent-output',
        taskId: 't-1',
        seq: 2,
        at: 1_001,
        turn: 1,
        line: 1,
        output: { type: 'text', text: tricky },
      };
      const snapshot: Task = { ...task, lastSeq: 2, updatedAt: 1_001, pendingMessages: [tricky] };
      await store.append('t-1', [event], snapshot);
      expect((await store.readEvents('t-1', { afterSeq: 1 }))[0]).toEqual(event);
      expect(await store.getTask('t-1')).toEqual(snapshot);
      await store.appendLogs('t-1', [{ at: 1_002, stream: 'stdout', text: tricky }]);
      expect((await store.readLogs('t-1'))[0]?.text).toBe(tricky);
    } finally {
      await store.close();
    }
  });

  it('prunes the logs of tasks that finished before the retention, and never reuses their seqs', async () => {
    const now = 100 * dayMs;
    const url = await postgres().createDatabase();
    const store = await openStore(url, { now: () => now });
    try {
      const old = await seedTask(store, 't-old', now - 40 * dayMs);
      const recent = await seedTask(store, 't-recent', now - 40 * dayMs);
      await seedTask(store, 't-running', now - 40 * dayMs);
      for (const id of ['t-old', 't-recent', 't-running']) await store.appendLogs(id, [{ at: 1, stream: 'stdout', text: 'a' }]);
      await finish(store, old, now - 31 * dayMs);
      await finish(store, recent, now - 29 * dayMs);
      expect(await store.pruneLogs()).toBe(0);
      expect(await store.pruneLogs(30)).toBe(1);
      expect(await store.readLogs('t-old')).toEqual([]);
      expect(await store.readLogs('t-recent')).toHaveLength(1);
      expect(await store.readLogs('t-running')).toHaveLength(1);
      expect((await store.appendLogs('t-old', [{ at: 2, stream: 'stdout', text: 'b' }]))[0]?.seq).toBe(2);
      expect(await store.readEvents('t-old')).toHaveLength(2);

      // With logRetentionDays, a store prunes when it opens.
      const again = await openStore(url, { now: () => now + 2 * dayMs, logRetentionDays: 30 });
      try {
        for (let tries = 0; tries < 50 && (await again.readLogs('t-recent')).length > 0; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(await again.readLogs('t-recent')).toEqual([]);
        expect(await again.readLogs('t-running')).toHaveLength(1);
      } finally {
        await again.close();
      }
    } finally {
      await store.close();
    }
  });

  it('projects CI attempts and agent turns as the SQLite store does', async () => {
    const url = await postgres().createDatabase();
    const store = await openStore(url);
    try {
      const task = await seedTask(store, 't-1', 1_000);
      await store.appendLogs('t-1', [{ at: 1_001, stream: 'stdout', text: 'before the turn' }]);
      const turn: OrchestratorEvent = {
        type: 'agent-turn-started',
        taskId: 't-1',
        seq: 2,
        at: 1_002,
        turn: 1,
        reason: 'initial',
        prompt: 'Fix it',
      };
      const withAttempt: Task = {
        ...task,
        lastSeq: 2,
        updatedAt: 1_002,
        attempts: [{ attempt: 1, sha: 'a'.repeat(40), conclusion: 'failure', failures: [], startedAt: 1_000, endedAt: 1_001 }],
        ciWatch: { sha: 'b'.repeat(40), attempt: 2, since: 1_002 },
      };
      await store.append('t-1', [turn], withAttempt);
      const database = new URL(url).pathname.slice(1);
      expect(await postgres().psql('select attempt, conclusion, started_at from ci_attempts order by attempt', database)).toBe(
        '1|failure|1000\n2||1002\n',
      );
      expect(await postgres().psql('select kind, turn_log_offsets::text from agent_sessions', database)).toBe(
        'amp|[{"at": 1002, "turn": 1, "logSeq": 1, "reason": "initial", "eventSeq": 2}]\n',
      );
    } finally {
      await store.close();
    }
  });
});
