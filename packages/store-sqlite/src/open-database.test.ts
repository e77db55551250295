import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmpoError, type Task, transition } from '@ampo/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createdTask } from './__fixtures__/tasks.js';
import { createSqliteStore } from './create-sqlite-store.js';
import { migrationNames } from './migrations/index.js';
import { migrate } from './open-database.js';

const directory = mkdtempSync(join(tmpdir(), 'ampo-store-open-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(directory, `open-${++files}.db`);

const rejection = async (promise: Promise<unknown>): Promise<AmpoError> => {
  try {
    await promise;
  } catch (error) {
    if (AmpoError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
};

const tables = (database: Database.Database) =>
  (database.prepare(`select name from sqlite_master where type = 'table' order by name`).all() as Array<{ name: string }>).map(
    (row) => row.name,
  );
const applied = (database: Database.Database) =>
  (database.prepare('select name from kysely_migration order by name').all() as Array<{ name: string }>).map((row) => row.name);

describe('opening a database', () => {
  it('creates every table in an empty file, with WAL and foreign keys on', async () => {
    const filename = newFile();
    const store = await createSqliteStore({ filename });
    expect(store.filename).toBe(filename);
    await store.close();
    const database = new Database(filename);
    expect(tables(database)).toEqual(
      expect.arrayContaining(['agent_sessions', 'ci_attempts', 'kysely_migration', 'log_chunks', 'task_events', 'tasks']),
    );
    expect(applied(database)).toEqual(migrationNames);
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    database.close();
  });

  it('opens its own file again without migrating twice', async () => {
    const filename = newFile();
    const first = await createSqliteStore({ filename });
    const { event, snapshot } = createdTask('t-1', 1_000);
    await first.append('t-1', [event], snapshot);
    await first.close();
    const second = await createSqliteStore({ filename });
    expect(await second.getTask('t-1')).toEqual(snapshot);
    await second.close();
    const database = new Database(filename);
    expect(applied(database)).toEqual(migrationNames);
    database.close();
  });

  it('migrates a file of the first schema, keeping its data and backfilling the projections', async () => {
    const filename = newFile();
    const old = new Database(filename);
    await migrate(old, filename, '0001-initial');
    expect(tables(old)).not.toContain('ci_attempts');
    // A task as the first schema stored it: mid-way through its second CI attempt.
    const { event, snapshot: created } = createdTask('t-1', 1_000);
    let task: Task = created;
    const events = [event];
    const later = [
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
      { type: 'agent-turn-ended', at: 1_011, turn: 2, outcome: 'completed' },
      { type: 'branch-pushed', at: 1_012, branch: 'ampo/t-1', sha: 'c'.repeat(40), changed: true },
    ] as const;
    for (const [index, partial] of later.entries()) {
      const next = { ...partial, taskId: 't-1', seq: index + 2 } as (typeof events)[number];
      task = transition(task, next)[0];
      events.push(next);
    }
    expect(task.status).toBe('ci-waiting');
    expect(task.attempts).toHaveLength(1);
    old
      .prepare('insert into tasks (id, status, repo, created_at, updated_at, last_seq, snapshot) values (?, ?, ?, ?, ?, ?, ?)')
      .run(task.id, task.status, task.request.repo, task.createdAt, task.updatedAt, task.lastSeq, JSON.stringify(task));
    const insertEvent = old.prepare('insert into task_events (task_id, seq, type, at, body) values (?, ?, ?, ?, ?)');
    for (const stored of events) insertEvent.run('t-1', stored.seq, stored.type, stored.at, JSON.stringify(stored));
    old.prepare(`insert into log_chunks (task_id, seq, at, stream, text) values ('t-1', 1, 1004, 'stdout', 'hello')`).run();
    old.prepare(`update tasks set log_seq = 1 where id = 't-1'`).run();
    old.close();

    const store = await createSqliteStore({ filename });
    expect(await store.getTask('t-1')).toEqual(task);
    expect(await store.readEvents('t-1')).toEqual(events);
    expect((await store.listUnfinished()).map((unfinished) => unfinished.id)).toEqual(['t-1']);
    expect((await store.appendLogs('t-1', [{ at: 1_013, stream: 'stdout', text: 'again' }]))[0]?.seq).toBe(2);
    await store.close();

    const database = new Database(filename);
    expect(applied(database)).toEqual(migrationNames);
    expect(database.prepare('select attempt, sha, conclusion, failures, ended_at from ci_attempts order by attempt').all()).toEqual([
      { attempt: 1, sha: 'b'.repeat(40), conclusion: 'failure', failures: JSON.stringify(task.attempts[0]?.failures), ended_at: 1_009 },
      { attempt: 2, sha: 'c'.repeat(40), conclusion: null, failures: '[]', ended_at: null },
    ]);
    const session = database.prepare('select kind, thread_id, turn_log_offsets from agent_sessions').get() as {
      kind: string;
      thread_id: string;
      turn_log_offsets: string;
    };
    expect(session.kind).toBe('amp');
    expect(session.thread_id).toBe('T-1');
    expect(JSON.parse(session.turn_log_offsets)).toEqual([
      { turn: 1, reason: 'initial', eventSeq: 5, logSeq: null, at: 1_004 },
      { turn: 2, reason: 'ci-feedback', eventSeq: 11, logSeq: null, at: 1_010 },
    ]);
    database.close();
  });

  it('refuses a file written by a newer version and changes nothing in it', async () => {
    const filename = newFile();
    const store = await createSqliteStore({ filename });
    const { event, snapshot } = createdTask('t-1', 1_000);
    await store.append('t-1', [event], snapshot);
    await store.close();
    const newer = new Database(filename);
    newer.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('9999-from-the-future', new Date(0).toISOString());
    newer.pragma('journal_mode = DELETE');
    newer.close();
    const before = createHash('sha256').update(readFileSync(filename)).digest('hex');

    const error = await rejection(createSqliteStore({ filename }));
    expect(error.code).toBe('schema-too-new');
    expect(error.message).toContain(filename);
    expect(error.message).toContain('9999-from-the-future');
    expect(error.message).toContain('Upgrade @ampo/store-sqlite');
    expect(createHash('sha256').update(readFileSync(filename)).digest('hex')).toBe(before);
    expect(existsSync(`${filename}-wal`)).toBe(false);

    // An injected database is refused the same way and left open for its owner.
    const injected = new Database(filename);
    expect((await rejection(createSqliteStore({ database: injected }))).code).toBe('schema-too-new');
    expect(injected.open).toBe(true);
    injected.close();
    expect(createHash('sha256').update(readFileSync(filename)).digest('hex')).toBe(before);
  });

  it('names a corrupt file and says what to do', async () => {
    const filename = newFile();
    writeFileSync(filename, Buffer.alloc(8192, 'not a database at all '));
    const error = await rejection(createSqliteStore({ filename }));
    expect(error.code).toBe('store-error');
    expect(error.message).toContain(filename);
    expect(error.message).toMatch(/not a readable SQLite database/);
    expect(error.message).toMatch(/Move it aside/);
    expect(error.details).toMatchObject({ filename, sqliteCode: 'SQLITE_NOTADB' });
  });

  it('names a locked file and says what to do', async () => {
    const filename = newFile();
    // A file in rollback-journal mode held by another connection's exclusive transaction.
    const holder = new Database(filename);
    holder.exec('create table other (x)');
    holder.exec('begin exclusive');
    try {
      const error = await rejection(createSqliteStore({ filename, busyTimeoutMs: 50 }));
      expect(error.code).toBe('unavailable');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(filename);
      expect(error.message).toMatch(/locked by another connection/);
      expect(error.message).toMatch(/busyTimeoutMs/);
    } finally {
      holder.exec('rollback');
      holder.close();
    }
    // Once released, the same file opens.
    const store = await createSqliteStore({ filename });
    await store.close();
  });

  it('names a file whose directory does not exist', async () => {
    const filename = join(directory, 'missing', 'ampo.db');
    const error = await rejection(createSqliteStore({ filename }));
    expect(error.code).toBe('store-error');
    expect(error.message).toContain(filename);
    expect(error.message).toMatch(/directory exists/);
  });
});
