import { AmpoError } from '@ampo/core';
import { type Kysely, Migrator, sql } from 'kysely';
import { migrationNames, migrationProvider } from './migrations/index.js';
import type { StoreSchema } from './schema.js';

const appliedMigrations = async (db: Kysely<StoreSchema>): Promise<string[]> => {
  const { rows } = await sql<{ name: string }>`
    select name from kysely_migration where to_regclass('kysely_migration') is not null order by name
  `
    .execute(db)
    .catch((error: unknown) => {
      // 42P01: the table is not there yet (to_regclass guards the common case; this, a race).
      if ((error as { code?: string }).code === '42P01') return { rows: [] };
      throw error;
    });
  return rows.map((row) => row.name);
};

/** Throws `schema-too-new` when the database holds a migration this version does not know. Only reads. */
export const refuseNewerSchema = async (db: Kysely<StoreSchema>): Promise<void> => {
  const unknown = (await appliedMigrations(db)).filter((name) => !migrationNames.includes(name));
  if (unknown.length === 0) return;
  throw new AmpoError(
    'schema-too-new',
    `The database was migrated by a newer version of @ampo/store-postgres: it has schema ${unknown.at(-1)}, ` +
      `and this version knows schemas up to ${migrationNames.at(-1)}. Upgrade @ampo/store-postgres on every instance. ` +
      'Nothing in the database was changed.',
    { details: { unknownMigrations: unknown, latestKnown: migrationNames.at(-1) } },
  );
};

/**
 * Brings the schema to the latest version. kysely's migrator holds a PostgreSQL advisory lock
 * while it runs, and the DDL is transactional, so instances starting at once migrate it once.
 */
export const migrate = async (db: Kysely<StoreSchema>): Promise<void> => {
  await refuseNewerSchema(db);
  const { error } = await new Migrator({ db, provider: migrationProvider() }).migrateToLatest();
  if (error) {
    // A newer instance may have migrated between the check and the lock.
    await refuseNewerSchema(db);
    throw error;
  }
};
