import { join } from 'node:path';
import { AmpoError, type TaskChangeFeed, type TaskLeases, type TaskStore } from '@ampo/core';
import { createSqliteStore } from '@ampo/store-sqlite';
import type { EmbeddedStackSettings } from './embedded-stack-settings.js';

export interface OpenedStore {
  store: TaskStore;
  /** A shared store's leases and change feed: the orchestrator is then one of several instances. */
  shared?: { leases: TaskLeases; changes: TaskChangeFeed };
  close(): Promise<void>;
}

/** SQLite in the data directory, or, given `databaseUrl`, the PostgreSQL database every instance shares. */
export const openStore = async (settings: Pick<EmbeddedStackSettings, 'databaseUrl'>, dataDirectory: string): Promise<OpenedStore> => {
  if (!settings.databaseUrl) {
    const store = await createSqliteStore({ filename: join(dataDirectory, 'ampo.db') });
    return { store, close: () => store.close() };
  }
  const [{ default: pg }, { createPostgresStore }] = await Promise.all([import('pg'), import('@ampo/store-postgres')]);
  const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 10 });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    const store = await createPostgresStore({ pool });
    return {
      store,
      shared: { leases: store, changes: store },
      async close() {
        await store.close();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    const reason = AmpoError.from(error, 'unavailable');
    // pg's messages name the host and the user, never the password; the URL itself is not repeated.
    throw new AmpoError(reason.code, `Could not open the PostgreSQL database: ${reason.message}`, { cause: error });
  }
};
