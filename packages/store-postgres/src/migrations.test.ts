import { AmpoError } from '@ampo/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { seedTask } from './__fixtures__/tasks.js';
import { useTestPostgres } from './__fixtures__/test-database.js';
import { createPostgresStore } from './create-postgres-store.js';
import { migrationNames } from './migrations/index.js';

const { postgres, openStore } = useTestPostgres();
const databaseOf = (url: string) => new URL(url).pathname.slice(1);

describe('migrations', () => {
  it('four instances starting at once on a fresh database migrate it once, and all work', async () => {
    const url = await postgres().createDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openStore(url)));
    try {
      expect(await postgres().psql('select name from kysely_migration order by name', databaseOf(url))).toBe(
        `${migrationNames.join('\n')}\n`,
      );
      await Promise.all(stores.map((store, index) => seedTask(store, `t-${index}`, 1_000 + index)));
      for (const store of stores) expect((await store.listTasks()).tasks).toHaveLength(4);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('opening a migrated database again changes nothing', async () => {
    const url = await postgres().createDatabase();
    const first = await openStore(url);
    await seedTask(first, 't-1', 1_000);
    await first.close();
    const again = await openStore(url);
    try {
      expect((await again.getTask('t-1'))?.id).toBe('t-1');
    } finally {
      await again.close();
    }
  });

  it('refuses a database migrated by a newer version, and leaves it as it was', async () => {
    const url = await postgres().createDatabase();
    const store = await openStore(url);
    await seedTask(store, 't-1', 1_000);
    await store.close();
    await postgres().psql(`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', 'now')`, databaseOf(url));
    const dump = () =>
      postgres().psql(
        `select (select string_agg(name, ',' order by name) from kysely_migration) || ' ' || (select count(*) from tasks) || ' ' ||
                (select count(*) from information_schema.tables where table_schema = 'public')`,
        databaseOf(url),
      );
    const before = await dump();
    const error = await openStore(url).catch((caught: unknown) => caught);
    expect(AmpoError.isInstance(error) && error.code).toBe('schema-too-new');
    expect((error as AmpoError).message).toContain('9999-from-the-future');
    expect(await dump()).toBe(before);
  });

  it('an unreachable server is a retryable unavailable error', async () => {
    // Port 1 on loopback: nothing listens there.
    const pool = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2_000 });
    try {
      const error = await createPostgresStore({ pool }).catch((caught: unknown) => caught);
      expect(AmpoError.isInstance(error) && error.code).toBe('unavailable');
      expect((error as AmpoError).retryable).toBe(true);
    } finally {
      await pool.end();
    }
  });
});
