import { type Kysely, sql } from 'kysely';

/** The first schema: task snapshots, the event log and the log chunks. */
export const initial = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('tasks')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('repo', 'text', (column) => column.notNull())
      .addColumn('created_at', 'integer', (column) => column.notNull())
      .addColumn('updated_at', 'integer', (column) => column.notNull())
      .addColumn('last_seq', 'integer', (column) => column.notNull())
      .addColumn('log_seq', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('snapshot', 'text', (column) => column.notNull())
      .execute();
    // Listing is newest first by (created_at, id), optionally within a status or a repo.
    await db.schema.createIndex('tasks_created').on('tasks').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('tasks_status_created').on('tasks').columns(['status', 'created_at', 'id']).execute();
    await db.schema.createIndex('tasks_repo_created').on('tasks').columns(['repo', 'created_at', 'id']).execute();
    await db.schema.createIndex('tasks_status_updated').on('tasks').columns(['status', 'updated_at']).execute();

    await db.schema
      .createTable('task_events')
      .addColumn('task_id', 'text', (column) => column.notNull().references('tasks.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('type', 'text', (column) => column.notNull())
      .addColumn('at', 'integer', (column) => column.notNull())
      .addColumn('body', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('task_events_pk', ['task_id', 'seq'])
      .modifyEnd(sql`without rowid`)
      .execute();

    await db.schema
      .createTable('log_chunks')
      .addColumn('task_id', 'text', (column) => column.notNull().references('tasks.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('at', 'integer', (column) => column.notNull())
      .addColumn('stream', 'text', (column) => column.notNull())
      .addColumn('source', 'text')
      .addColumn('text', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('log_chunks_pk', ['task_id', 'seq'])
      .execute();
  },
};
