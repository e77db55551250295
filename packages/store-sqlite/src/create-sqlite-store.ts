import {
  AmpoError,
  decodeTaskListCursor,
  encodeTaskListCursor,
  type LogChunk,
  type OrchestratorEvent,
  type Task,
  type TaskLeases,
  type TaskPage,
  type TaskStore,
  terminalStatuses,
} from '@ampo/core';
import Database from 'better-sqlite3';
import { type Compilable, sql } from 'kysely';
import { createKysely, migrate, refuseNewerSchema } from './open-database.js';
import type { TurnLogOffset } from './schema.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';
import { isUniqueViolation, toStoreError } from './sqlite-error.js';
import { createSqliteLeases } from './sqlite-leases.js';

export interface SqliteStoreSettings {
  /**
   * A better-sqlite3 `Database` to use instead of opening `filename`. The store sets its pragmas
   * (WAL, busy timeout, foreign keys), migrates it, and leaves it open on `close()`: its owner
   * closes it. The store needs the connection to itself (no transaction of the caller's open on it).
   */
  database?: SqliteDatabase;
  /**
   * The database file, created if missing; its directory must exist. `:memory:` keeps everything
   * in memory. Ignored when `database` is given.
   * @default 'ampo.db'
   */
  filename?: string;
  /**
   * How long a write waits for another connection's lock before it fails with a retryable
   * `unavailable` error.
   * @default 5000
   */
  busyTimeoutMs?: number;
  /**
   * SQLite's `synchronous` pragma. `normal` survives a crash of the process (the WAL is on disk);
   * `full` also survives losing power, at the cost of an fsync per transaction.
   * @default 'normal'
   */
  synchronous?: 'normal' | 'full';
  /**
   * When set, log chunks of tasks that finished more than this many days ago are deleted: at open,
   * then every `pruneIntervalMs`. Tasks, events and CI attempts are kept.
   * @default undefined (keep logs forever)
   */
  logRetentionDays?: number;
  /** @default 3_600_000 (one hour) */
  pruneIntervalMs?: number;
  /** Milliseconds since the epoch, for retention. @default Date.now */
  now?: () => number;
}

/** A {@link TaskStore} on SQLite, with the extras only this store has. */
export interface SqliteTaskStore extends TaskStore, TaskLeases {
  /** The file the store writes, or `:memory:`. */
  readonly filename: string;
  /**
   * Deletes log chunks of tasks that finished more than `olderThanDays` days ago (default: the
   * `logRetentionDays` setting) and returns how many were deleted. Their seqs are never reused.
   */
  pruneLogs(olderThanDays?: number): Promise<number>;
}

const dayMs = 86_400_000;
const terminal = [...terminalStatuses];

/** A better-sqlite3 named parameter, for statements built by kysely once and run many times. */
const param = <T>(name: string) => sql<T>`${sql.raw(`@${name}`)}`;

/**
 * Opens (creating or migrating) an ampo task store in a SQLite file. Rejects with `schema-too-new`
 * when the file was written by a newer version, leaving it untouched, and with an error that names
 * the file and what to do when it is locked or not a database.
 */
export const createSqliteStore = async (settings: SqliteStoreSettings = {}): Promise<SqliteTaskStore> => {
  const owned = settings.database === undefined;
  const filename = settings.database?.name ?? settings.filename ?? 'ampo.db';
  const busyTimeoutMs = settings.busyTimeoutMs ?? 5000;
  const now = settings.now ?? Date.now;
  let raw: SqliteDatabase;
  try {
    raw = settings.database ?? new Database(filename);
  } catch (error) {
    throw toStoreError(error, filename, 'opening it');
  }
  try {
    raw.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    // Before anything that writes: a newer file must stay exactly as it is.
    refuseNewerSchema(raw, filename);
    raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma(`synchronous = ${settings.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    await migrate(raw, filename);
  } catch (error) {
    if (owned) raw.close();
    throw toStoreError(error, filename, 'opening it');
  }
  return openStore(raw, { ...settings, filename, owned, now });
};

interface OpenOptions extends SqliteStoreSettings {
  filename: string;
  owned: boolean;
  now: () => number;
}

const openStore = (raw: SqliteDatabase, options: OpenOptions): SqliteTaskStore => {
  const { filename, now } = options;
  const db = createKysely(raw);
  const prepare = (query: Compilable): SqliteStatement => raw.prepare(query.compile().sql);

  // The write path runs inside one synchronous `begin immediate` transaction, so its statements
  // are built by kysely once and run as prepared statements.
  const statements = {
    taskSeqs: prepare(db.selectFrom('tasks').select(['last_seq', 'log_seq']).where('id', '=', param<string>('id'))),
    taskWithKey: prepare(db.selectFrom('tasks').select('id').where('idempotency_key', '=', param<string>('key'))),
    insertEvent: prepare(
      db.insertInto('task_events').values({
        task_id: param('task_id'),
        seq: param('seq'),
        type: param('type'),
        at: param('at'),
        body: param('body'),
      }),
    ),
    upsertTask: prepare(
      db
        .insertInto('tasks')
        .values({
          id: param('id'),
          status: param('status'),
          repo: param('repo'),
          created_at: param('created_at'),
          updated_at: param('updated_at'),
          last_seq: param('last_seq'),
          snapshot: param('snapshot'),
          idempotency_key: param('idempotency_key'),
        })
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            repo: eb.ref('excluded.repo'),
            created_at: eb.ref('excluded.created_at'),
            updated_at: eb.ref('excluded.updated_at'),
            last_seq: eb.ref('excluded.last_seq'),
            snapshot: eb.ref('excluded.snapshot'),
          })),
        ),
    ),
    finishedAttempts: prepare(
      db
        .selectFrom('ci_attempts')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('task_id', '=', param<string>('task_id'))
        .where('conclusion', 'is not', null),
    ),
    upsertAttempt: prepare(
      db
        .insertInto('ci_attempts')
        .values({
          task_id: param('task_id'),
          attempt: param('attempt'),
          sha: param('sha'),
          conclusion: param('conclusion'),
          signature: param('signature'),
          failures: param('failures'),
          started_at: param('started_at'),
          ended_at: param('ended_at'),
        })
        .onConflict((conflict) =>
          conflict.columns(['task_id', 'attempt']).doUpdateSet((eb) => ({
            sha: eb.ref('excluded.sha'),
            conclusion: eb.ref('excluded.conclusion'),
            signature: eb.ref('excluded.signature'),
            failures: eb.ref('excluded.failures'),
            started_at: eb.ref('excluded.started_at'),
            ended_at: eb.ref('excluded.ended_at'),
          })),
        ),
    ),
    insertWatchedAttempt: prepare(
      db
        .insertInto('ci_attempts')
        .values({ task_id: param('task_id'), attempt: param('attempt'), sha: param('sha'), started_at: param('started_at') })
        .onConflict((conflict) => conflict.columns(['task_id', 'attempt']).doNothing()),
    ),
    sessionOffsets: prepare(db.selectFrom('agent_sessions').select('turn_log_offsets').where('task_id', '=', param<string>('task_id'))),
    upsertSession: prepare(
      db
        .insertInto('agent_sessions')
        .values({
          task_id: param('task_id'),
          kind: param('kind'),
          thread_id: param('thread_id'),
          turn_log_offsets: param('turn_log_offsets'),
          updated_at: param('updated_at'),
        })
        .onConflict((conflict) =>
          conflict.column('task_id').doUpdateSet((eb) => ({
            kind: eb.ref('excluded.kind'),
            thread_id: eb.ref('excluded.thread_id'),
            turn_log_offsets: eb.ref('excluded.turn_log_offsets'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        ),
    ),
    insertLog: prepare(
      db.insertInto('log_chunks').values({
        task_id: param('task_id'),
        seq: param('seq'),
        at: param('at'),
        stream: param('stream'),
        source: param('source'),
        text: param('text'),
      }),
    ),
    setLogSeq: prepare(
      db
        .updateTable('tasks')
        .set({ log_seq: param('log_seq') })
        .where('id', '=', param<string>('id')),
    ),
    pruneLogs: prepare(
      db.deleteFrom('log_chunks').where('task_id', 'in', (eb) =>
        eb
          .selectFrom('tasks')
          .select('id')
          .where(
            'status',
            'in',
            terminal.map((status) => sql.lit<string>(status)),
          )
          .where('updated_at', '<', param<number>('before')),
      ),
    ),
  };

  let closed = false;
  let pruneTimer: NodeJS.Timeout | undefined;
  const ensureOpen = () => {
    if (closed) throw new AmpoError('store-error', `The task store on ${filename} is closed.`);
  };

  /** Runs `work` in one `begin immediate` transaction: all of it is written, or none. */
  const immediate = <T>(doing: string, work: () => T): T => {
    ensureOpen();
    try {
      raw.exec('begin immediate');
      try {
        const result = work();
        raw.exec('commit');
        return result;
      } finally {
        if (raw.inTransaction) raw.exec('rollback');
      }
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AmpoError('conflict', `Another writer appended to the same task first while ${doing}.`, { cause: error });
      }
      throw toStoreError(error, filename, doing);
    }
  };

  const read = async <T>(doing: string, work: () => Promise<T>): Promise<T> => {
    ensureOpen();
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error, filename, doing);
    }
  };

  /** Writes the projections of the snapshot (CI attempts, the agent session) inside an append. */
  const project = (taskId: string, events: readonly OrchestratorEvent[], snapshot: Task, logSeq: number) => {
    if (snapshot.attempts.length > 0 || snapshot.ciWatch) {
      const { count } = statements.finishedAttempts.get({ task_id: taskId }) as { count: number };
      for (const attempt of snapshot.attempts.slice(count)) {
        statements.upsertAttempt.run({
          task_id: taskId,
          attempt: attempt.attempt,
          sha: attempt.sha,
          conclusion: attempt.conclusion,
          signature: attempt.signature ?? null,
          failures: JSON.stringify(attempt.failures),
          started_at: attempt.startedAt,
          ended_at: attempt.endedAt ?? null,
        });
      }
      const watch = snapshot.ciWatch;
      if (watch) {
        statements.insertWatchedAttempt.run({ task_id: taskId, attempt: watch.attempt, sha: watch.sha, started_at: watch.since });
      }
    }
    const turns = events.filter((event) => event.type === 'agent-turn-started');
    const sessionChanged = events.some((event) => event.type === 'agent-session-started');
    if (turns.length === 0 && !sessionChanged) return;
    const existing = statements.sessionOffsets.get({ task_id: taskId }) as { turn_log_offsets: string } | undefined;
    const offsets: TurnLogOffset[] = existing ? JSON.parse(existing.turn_log_offsets) : [];
    for (const turn of turns) offsets.push({ turn: turn.turn, reason: turn.reason, eventSeq: turn.seq, logSeq, at: turn.at });
    statements.upsertSession.run({
      task_id: taskId,
      kind: snapshot.request.agent,
      thread_id: snapshot.agentSessionId ?? null,
      turn_log_offsets: JSON.stringify(offsets),
      updated_at: snapshot.updatedAt,
    });
  };

  const pruneLogs = async (olderThanDays = options.logRetentionDays): Promise<number> => {
    if (olderThanDays === undefined) return 0;
    return immediate('pruning old logs', () => Number(statements.pruneLogs.run({ before: now() - olderThanDays * dayMs }).changes));
  };

  const { leases, checkFence } = createSqliteLeases(raw, immediate);
  const store: SqliteTaskStore = {
    filename,

    ...leases,
    async append(taskId, events, snapshot, appendOptions = {}) {
      const doing = `appending to task ${taskId}`;
      if (snapshot.id !== taskId) throw new AmpoError('invalid-input', `The snapshot of task ${snapshot.id} was given for task ${taskId}.`);
      const stranger = events.find((event) => event.taskId !== taskId);
      if (stranger) throw new AmpoError('invalid-input', `An event of task ${stranger.taskId} was given for task ${taskId}.`);
      const body = events.map((event) => JSON.stringify(event));
      const snapshotJson = JSON.stringify(snapshot);
      immediate(doing, () => {
        if (appendOptions.fence) checkFence(taskId, appendOptions.fence);
        const current = statements.taskSeqs.get({ id: taskId }) as { last_seq: number; log_seq: number } | undefined;
        const lastSeq = current?.last_seq ?? 0;
        events.forEach((event, index) => {
          if (event.seq !== lastSeq + index + 1) {
            throw new AmpoError(
              'conflict',
              `Event seq ${event.seq} of task ${taskId} does not follow seq ${lastSeq + index}: another writer got there first.`,
              { details: { taskId, lastSeq } },
            );
          }
        });
        const key = snapshot.idempotencyKey;
        if (!current && key !== undefined && statements.taskWithKey.get({ key })) {
          throw new AmpoError('conflict', `Another task was already created with idempotency key ${key}.`, {
            details: { idempotencyKey: key },
          });
        }
        // The task row first: the events reference it.
        statements.upsertTask.run({
          id: taskId,
          status: snapshot.status,
          repo: snapshot.request.repo,
          created_at: snapshot.createdAt,
          updated_at: snapshot.updatedAt,
          last_seq: events.at(-1)?.seq ?? lastSeq,
          snapshot: snapshotJson,
          idempotency_key: snapshot.idempotencyKey ?? null,
        });
        events.forEach((event, index) => {
          statements.insertEvent.run({ task_id: taskId, seq: event.seq, type: event.type, at: event.at, body: body[index] });
        });
        project(taskId, events, snapshot, current?.log_seq ?? 0);
      });
    },

    findByIdempotencyKey: (key) =>
      read('finding a task by idempotency key', async () => {
        const row = await db.selectFrom('tasks').select('snapshot').where('idempotency_key', '=', key).executeTakeFirst();
        return row ? (JSON.parse(row.snapshot) as Task) : undefined;
      }),

    getTask: (taskId) =>
      read(`reading task ${taskId}`, async () => {
        const row = await db.selectFrom('tasks').select('snapshot').where('id', '=', taskId).executeTakeFirst();
        return row ? (JSON.parse(row.snapshot) as Task) : undefined;
      }),

    listTasks: (query = {}) =>
      read('listing tasks', async (): Promise<TaskPage> => {
        const limit = Math.min(Math.max(Math.floor(query.limit ?? 50), 1), 500);
        const statuses = query.status === undefined ? undefined : typeof query.status === 'string' ? [query.status] : [...query.status];
        if (statuses?.length === 0) return { tasks: [] };
        const cursor = query.cursor ? decodeTaskListCursor(query.cursor) : undefined;
        let select = db
          .selectFrom('tasks')
          .select(['snapshot', 'created_at', 'id'])
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(limit + 1);
        if (statuses) select = select.where('status', 'in', statuses);
        if (query.repo !== undefined) select = select.where('repo', '=', query.repo);
        if (query.updatedSince !== undefined) select = select.where('updated_at', '>=', query.updatedSince);
        for (const [key, value] of Object.entries(query.labels ?? {})) {
          // json_each matches any key exactly, whatever characters it has.
          select = select.where(({ exists, selectFrom }) =>
            exists(
              selectFrom(sql<{ key: string; value: unknown }>`json_each(tasks.snapshot, '$.request.labels')`.as('label'))
                .select(sql.lit(1).as('one'))
                .where(sql.ref('label.key'), '=', key)
                .where(sql.ref('label.value'), '=', value),
            ),
          );
        }
        if (cursor) select = select.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(cursor.createdAt, cursor.id)));
        const rows = await select.execute();
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return {
          tasks: page.map((row) => JSON.parse(row.snapshot) as Task),
          ...(rows.length > limit && last ? { nextCursor: encodeTaskListCursor({ createdAt: last.created_at, id: last.id }) } : {}),
        };
      }),

    listUnfinished: () =>
      read('listing unfinished tasks', async () => {
        const rows = await db
          .selectFrom('tasks')
          .select('snapshot')
          .where('status', 'not in', terminal)
          .orderBy('created_at', 'asc')
          .orderBy('id', 'asc')
          .execute();
        return rows.map((row) => JSON.parse(row.snapshot) as Task);
      }),

    readEvents: (taskId, readOptions = {}) =>
      read(`reading the events of task ${taskId}`, async () => {
        let select = db
          .selectFrom('task_events')
          .select('body')
          .where('task_id', '=', taskId)
          .where('seq', '>', readOptions.afterSeq ?? 0)
          .orderBy('seq', 'asc');
        if (readOptions.limit !== undefined) select = select.limit(Math.max(0, Math.floor(readOptions.limit)));
        const rows = await select.execute();
        return rows.map((row) => JSON.parse(row.body) as OrchestratorEvent);
      }),

    async appendLogs(taskId, chunks) {
      return immediate(`appending logs of task ${taskId}`, () => {
        const current = statements.taskSeqs.get({ id: taskId }) as { log_seq: number } | undefined;
        if (!current) throw new AmpoError('not-found', `No task ${taskId}: a task's logs can only follow its first event.`);
        const added: LogChunk[] = chunks.map((chunk, index) => ({ ...chunk, taskId, seq: current.log_seq + index + 1 }));
        for (const chunk of added) {
          statements.insertLog.run({
            task_id: taskId,
            seq: chunk.seq,
            at: chunk.at,
            stream: chunk.stream,
            source: chunk.source ?? null,
            text: chunk.text,
          });
        }
        if (added.length > 0) statements.setLogSeq.run({ id: taskId, log_seq: current.log_seq + added.length });
        return added;
      });
    },

    readLogs: (taskId, readOptions = {}) =>
      read(`reading the logs of task ${taskId}`, async () => {
        let select = db
          .selectFrom('log_chunks')
          .select(['seq', 'at', 'stream', 'source', 'text'])
          .where('task_id', '=', taskId)
          .where('seq', '>', readOptions.afterSeq ?? 0)
          .orderBy('seq', 'asc');
        if (readOptions.limit !== undefined) select = select.limit(Math.max(0, Math.floor(readOptions.limit)));
        const rows = await select.execute();
        return rows.map(
          (row): LogChunk => ({
            taskId,
            seq: row.seq,
            at: row.at,
            stream: row.stream as LogChunk['stream'],
            ...(row.source === null ? {} : { source: row.source }),
            text: row.text,
          }),
        );
      }),

    pruneLogs,

    async close() {
      if (closed) return;
      closed = true;
      if (pruneTimer) clearInterval(pruneTimer);
      if (options.owned) raw.close();
    },
  };

  if (options.logRetentionDays !== undefined) {
    // Best effort in the background: a locked file or a closed store only skips this round.
    const prune = () => void pruneLogs().catch(() => {});
    prune();
    pruneTimer = setInterval(prune, options.pruneIntervalMs ?? 3_600_000);
    pruneTimer.unref();
  }
  return store;
};
