import {
  AmpoError,
  decodeTaskListCursor,
  encodeTaskListCursor,
  type LogChunk,
  type OrchestratorEvent,
  type Task,
  type TaskChangeFeed,
  type TaskLeases,
  type TaskPage,
  type TaskStore,
  terminalStatuses,
} from '@ampo/core';
import { Kysely, PostgresDialect, type PostgresPool, sql } from 'kysely';
import { createChangeFeed } from './change-feed.js';
import { decodeText, encodeText, fromJsonText, toJsonText } from './json-text.js';
import { createLeases } from './leases.js';
import { migrate } from './migrate.js';
import { toStoreError } from './postgres-error.js';
import type { PgListenClient, PgPool } from './postgres-pool.js';
import type { StoreSchema } from './schema.js';

export interface PostgresStoreSettings {
  /**
   * A `pg.Pool` (pg 8) you constructed. The store runs every query through it and never ends it:
   * end it yourself after `store.close()`.
   */
  pool: PgPool;
  /**
   * Makes the connection that LISTENs for other instances' appends (`changes$`). It must not come
   * from the pool: it stays open while `changes$` has subscribers.
   * @default () => new pg.Client(pool.options)
   */
  listenClient?: () => PgListenClient | Promise<PgListenClient>;
  /**
   * The first and the longest wait before the LISTEN connection is made again after it broke; the
   * wait doubles in between.
   * @default { initialMs: 100, maxMs: 5000 }
   */
  reconnectDelay?: { initialMs?: number; maxMs?: number };
  /**
   * When set, log chunks of tasks that finished more than this many days ago are deleted: at open,
   * then every `pruneIntervalMs`. Tasks, events and CI attempts are kept.
   * @default undefined (keep logs forever)
   */
  logRetentionDays?: number;
  /** @default 3_600_000 (one hour) */
  pruneIntervalMs?: number;
  /** Milliseconds since the epoch, for retention and the `since` of a resync. @default Date.now */
  now?: () => number;
}

/** A {@link TaskStore} on PostgreSQL that several instances share: with leases and a change feed. */
export interface PostgresTaskStore extends TaskStore, TaskLeases, TaskChangeFeed {
  /**
   * Deletes log chunks of tasks that finished more than `olderThanDays` days ago (default: the
   * `logRetentionDays` setting) and returns how many were deleted. Their seqs are never reused.
   */
  pruneLogs(olderThanDays?: number): Promise<number>;
}

const dayMs = 86_400_000;
const terminal = [...terminalStatuses];

const defaultListenClient = (pool: PgPool) => async (): Promise<PgListenClient> => {
  if (!pool.options) {
    throw new AmpoError('invalid-input', 'The pool has no `options` to make the LISTEN connection from: pass `listenClient`.');
  }
  const { default: pg } = await import('pg');
  return new pg.Client(pool.options) as unknown as PgListenClient;
};

/**
 * Opens an ampo task store on a PostgreSQL database, migrating its schema (several instances may
 * start at once). Rejects with `schema-too-new` when a newer version migrated the database, leaving
 * it untouched, and with `unavailable` when the server cannot be reached.
 */
export const createPostgresStore = async (settings: PostgresStoreSettings): Promise<PostgresTaskStore> => {
  const { pool } = settings;
  const now = settings.now ?? Date.now;
  // kysely ends its pool on destroy; this one belongs to the caller.
  const borrowed: PostgresPool = { connect: () => pool.connect() as ReturnType<PostgresPool['connect']>, end: async () => {} };
  const db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool: borrowed }) });
  try {
    await migrate(db);
  } catch (error) {
    throw toStoreError(error, 'migrating the database');
  }

  let closed = false;
  let pruneTimer: NodeJS.Timeout | undefined;
  const run = async <T>(doing: string, work: () => Promise<T>): Promise<T> => {
    if (closed) throw new AmpoError('store-error', 'The task store is closed.');
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error, doing);
    }
  };
  const feed = createChangeFeed({
    createClient: settings.listenClient ?? defaultListenClient(pool),
    now,
    initialDelayMs: settings.reconnectDelay?.initialMs ?? 100,
    maxDelayMs: settings.reconnectDelay?.maxMs ?? 5000,
  });

  const pruneLogs = (olderThanDays = settings.logRetentionDays): Promise<number> =>
    run('pruning old logs', async () => {
      if (olderThanDays === undefined) return 0;
      const result = await db
        .deleteFrom('log_chunks')
        .where('task_id', 'in', (eb) =>
          eb
            .selectFrom('tasks')
            .select('id')
            .where('status', 'in', terminal)
            .where('updated_at', '<', now() - olderThanDays * dayMs),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });

  const store: PostgresTaskStore = {
    ...createLeases(db, run),
    changes$: feed.changes$,

    append: (taskId, events, snapshot, options = {}) =>
      run(`appending to task ${taskId}`, async () => {
        if (snapshot.id !== taskId)
          throw new AmpoError('invalid-input', `The snapshot of task ${snapshot.id} was given for task ${taskId}.`);
        const stranger = events.find((event) => event.taskId !== taskId);
        if (stranger) throw new AmpoError('invalid-input', `An event of task ${stranger.taskId} was given for task ${taskId}.`);
        const fence = options.fence;
        await sql`
          select ampo_append(${taskId}, ${toJsonText(events)}::jsonb, ${toJsonText(snapshot)}::jsonb,
                             ${fence?.owner ?? null}::text, ${fence?.epoch ?? null}::integer)
        `.execute(db);
      }),

    getTask: (taskId) =>
      run(`reading task ${taskId}`, async () => {
        const row = await db
          .selectFrom('tasks')
          .select(sql<string>`snapshot::text`.as('snapshot'))
          .where('id', '=', taskId)
          .executeTakeFirst();
        return row ? fromJsonText<Task>(row.snapshot) : undefined;
      }),

    findByIdempotencyKey: (key) =>
      run('finding a task by idempotency key', async () => {
        const row = await db
          .selectFrom('tasks')
          .select(sql<string>`snapshot::text`.as('snapshot'))
          .where('idempotency_key', '=', key)
          .executeTakeFirst();
        return row ? fromJsonText<Task>(row.snapshot) : undefined;
      }),

    listTasks: (query = {}) =>
      run('listing tasks', async (): Promise<TaskPage> => {
        const limit = Math.min(Math.max(Math.floor(query.limit ?? 50), 1), 500);
        const statuses = query.status === undefined ? undefined : typeof query.status === 'string' ? [query.status] : [...query.status];
        if (statuses?.length === 0) return { tasks: [] };
        const cursor = query.cursor ? decodeTaskListCursor(query.cursor) : undefined;
        let select = db
          .selectFrom('tasks')
          .select(sql<string>`snapshot::text`.as('snapshot'))
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(limit + 1);
        if (statuses) select = select.where('status', 'in', statuses);
        if (query.repo !== undefined) select = select.where('repo', '=', query.repo);
        if (query.updatedSince !== undefined) select = select.where('updated_at', '>=', query.updatedSince);
        const labels = query.labels ?? {};
        // Containment matches every key exactly, whatever characters it has (and uses the GIN index).
        if (Object.keys(labels).length > 0)
          select = select.where(sql<boolean>`snapshot -> 'request' -> 'labels' @> ${toJsonText(labels)}::jsonb`);
        if (cursor) select = select.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(cursor.createdAt, cursor.id)));
        const tasks = (await select.execute()).map((row) => fromJsonText<Task>(row.snapshot));
        const page = tasks.slice(0, limit);
        const last = page.at(-1);
        return {
          tasks: page,
          ...(tasks.length > limit && last ? { nextCursor: encodeTaskListCursor({ createdAt: last.createdAt, id: last.id }) } : {}),
        };
      }),

    listUnfinished: () =>
      run('listing unfinished tasks', async () => {
        const rows = await db
          .selectFrom('tasks')
          .select(sql<string>`snapshot::text`.as('snapshot'))
          .where('status', 'not in', terminal)
          .orderBy('created_at', 'asc')
          .orderBy('id', 'asc')
          .execute();
        return rows.map((row) => fromJsonText<Task>(row.snapshot));
      }),

    readEvents: (taskId, options = {}) =>
      run(`reading the events of task ${taskId}`, async () => {
        let select = db
          .selectFrom('task_events')
          .select(sql<string>`body::text`.as('body'))
          .where('task_id', '=', taskId)
          .where('seq', '>', options.afterSeq ?? 0)
          .orderBy('seq', 'asc');
        if (options.limit !== undefined) select = select.limit(Math.max(0, Math.floor(options.limit)));
        return (await select.execute()).map((row) => fromJsonText<OrchestratorEvent>(row.body));
      }),

    appendLogs: (taskId, chunks) =>
      run(`appending logs of task ${taskId}`, async () => {
        const missing = () => new AmpoError('not-found', `No task ${taskId}: a task's logs can only follow its first event.`);
        if (chunks.length === 0) {
          if (!(await db.selectFrom('tasks').select('id').where('id', '=', taskId).executeTakeFirst())) throw missing();
          return [];
        }
        const rows = chunks.map((chunk) => ({
          at: chunk.at,
          stream: chunk.stream,
          source: chunk.source ?? null,
          text: encodeText(chunk.text),
        }));
        // One statement: the row lock of the update orders concurrent appends, and the seqs follow it.
        const { rows: result } = await sql<{ base: number }>`
          with bumped as (
            update tasks set log_seq = log_seq + ${chunks.length} where id = ${taskId} returning log_seq - ${chunks.length} as base
          ), inserted as (
            insert into log_chunks (task_id, seq, at, stream, source, text)
            select ${taskId}, bumped.base + c.n, c.at::bigint, c.stream, c.source, c.text
            from bumped, rows from (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as (at numeric, stream text, source text, text text))
                   with ordinality as c(at, stream, source, text, n)
          )
          select base from bumped
        `.execute(db);
        const base = result[0]?.base;
        if (base === undefined) throw missing();
        return chunks.map((chunk, index): LogChunk => ({ ...chunk, taskId, seq: base + index + 1 }));
      }),

    readLogs: (taskId, options = {}) =>
      run(`reading the logs of task ${taskId}`, async () => {
        let select = db
          .selectFrom('log_chunks')
          .select(['seq', 'at', 'stream', 'source', 'text'])
          .where('task_id', '=', taskId)
          .where('seq', '>', options.afterSeq ?? 0)
          .orderBy('seq', 'asc');
        if (options.limit !== undefined) select = select.limit(Math.max(0, Math.floor(options.limit)));
        return (await select.execute()).map(
          (row): LogChunk => ({
            taskId,
            seq: row.seq,
            at: Number(row.at),
            stream: row.stream as LogChunk['stream'],
            ...(row.source === null ? {} : { source: row.source }),
            text: decodeText(row.text),
          }),
        );
      }),

    pruneLogs,

    async close() {
      if (closed) return;
      closed = true;
      if (pruneTimer) clearInterval(pruneTimer);
      await feed.close();
    },
  };

  if (settings.logRetentionDays !== undefined) {
    // Best effort in the background: an unreachable server or a closed store only skips this round.
    const prune = () => void pruneLogs().catch(() => {});
    prune();
    pruneTimer = setInterval(prune, settings.pruneIntervalMs ?? 3_600_000);
    pruneTimer.unref();
  }
  return store;
};
