// Where a killed server really left a task: the last status in its store, read with the server
// down (which also proves the SQLite file opens after a SIGKILL, or that the PostgreSQL database
// holds what the dead process committed).
import { join } from 'node:path';
import type { TaskStore } from '@ampo/core';
import { createPostgresStore } from '@ampo/store-postgres';
import { createSqliteStore } from '@ampo/store-sqlite';
import pg from 'pg';

const withStore = async <T>(where: { dataDirectory: string; databaseUrl?: string | undefined }, read: (store: TaskStore) => Promise<T>) => {
  if (!where.databaseUrl) {
    const store = await createSqliteStore({ filename: join(where.dataDirectory, 'ampo.db') });
    try {
      return await read(store);
    } finally {
      await store.close();
    }
  }
  const pool = new pg.Pool({ connectionString: where.databaseUrl, max: 1 });
  try {
    const store = await createPostgresStore({ pool });
    try {
      return await read(store);
    } finally {
      await store.close();
    }
  } finally {
    await pool.end();
  }
};

export const statusInDatabase = (where: { dataDirectory: string; databaseUrl?: string | undefined }, taskId: string): Promise<string> =>
  withStore(where, async (store) => {
    let status = 'queued';
    for (const event of await store.readEvents(taskId)) if (event.type === 'task-status-changed') status = event.to;
    return status;
  });
