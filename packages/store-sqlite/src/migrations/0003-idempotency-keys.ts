import { type Kysely, sql } from 'kysely';

/**
 * The caller's idempotency key of each task, unique among tasks that have one, and an index for
 * "tasks updated since" (a WebSocket client catching up after a reconnect).
 */
export const idempotencyKeys = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('tasks').addColumn('idempotency_key', 'text').execute();
    await sql`update tasks set idempotency_key = snapshot ->> '$.idempotencyKey'`.execute(db);
    await db.schema
      .createIndex('tasks_idempotency_key')
      .on('tasks')
      .column('idempotency_key')
      .unique()
      .where(sql.ref('idempotency_key'), 'is not', null)
      .execute();
    await db.schema.createIndex('tasks_updated').on('tasks').columns(['updated_at', 'id']).execute();
  },
};
