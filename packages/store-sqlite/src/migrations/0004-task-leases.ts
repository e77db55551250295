import type { Kysely } from 'kysely';

/** A lease per task (owner, epoch, expiry), for several orchestrator instances on one database file. */
export const taskLeases = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('tasks').addColumn('lease_owner', 'text').execute();
    await db.schema
      .alterTable('tasks')
      .addColumn('lease_epoch', 'integer', (column) => column.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('tasks').addColumn('lease_expires_at', 'integer').execute();
  },
};
