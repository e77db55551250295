import { startPostgres, type TestPostgres } from '@ampo/testkit';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresStore, type PostgresStoreSettings, type PostgresTaskStore } from '../create-postgres-store.js';

/**
 * One throwaway server per test file, started before its cases; each case makes its own database.
 * Stores from `openStore` end their pool when closed.
 */
export const useTestPostgres = () => {
  let server: TestPostgres | undefined;
  const pools = new Set<pg.Pool>();
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await Promise.all([...pools].map((pool) => pool.end()));
    await server?.stop();
  });
  const postgres = () => {
    if (!server) throw new Error('the test server has not started');
    return server;
  };
  const newPool = (url: string, max = 4) => {
    const pool = new pg.Pool({ connectionString: url, max });
    pool.on('error', () => {});
    pools.add(pool);
    return pool;
  };
  const endPool = async (pool: pg.Pool) => {
    if (!pools.delete(pool)) return;
    await pool.end();
  };
  /** A store on `url` (a fresh database when absent) with a pool of its own. */
  const openStore = async (url?: string, settings: Partial<PostgresStoreSettings> & { max?: number } = {}): Promise<PostgresTaskStore> => {
    const pool = newPool(url ?? (await postgres().createDatabase()), settings.max);
    const store = await createPostgresStore({ pool, ...settings });
    return {
      ...store,
      async close() {
        await store.close();
        await endPool(pool);
      },
    };
  };
  return { postgres, newPool, endPool, openStore };
};
