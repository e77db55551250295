import { AmpoError } from '@ampo/core';
import { CompiledQuery, type DatabaseConnection, type Driver, Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationNames, migrationProvider } from './migrations/index.js';
import type { StoreSchema } from './schema.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** SQLite's write lock is taken at `begin immediate`, so two writers wait on the busy timeout instead of deadlocking. */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}

/** A kysely instance on `database` that never closes it: the store decides when it is closed. */
export const createKysely = (database: SqliteDatabase): Kysely<StoreSchema> =>
  new Kysely<StoreSchema>({
    dialect: new ImmediateSqliteDialect({
      database: { prepare: (sql) => database.prepare(sql), close: () => {} },
    }),
  });

const appliedMigrations = (database: SqliteDatabase): string[] => {
  const table = database.prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`).get();
  if (!table) return [];
  return (database.prepare('select name from kysely_migration order by name').all() as Array<{ name: string }>).map((row) => row.name);
};

/** Throws `schema-too-new` when the file holds a migration this version does not know. Only reads. */
export const refuseNewerSchema = (database: SqliteDatabase, filename: string): void => {
  const unknown = appliedMigrations(database).filter((name) => !migrationNames.includes(name));
  if (unknown.length === 0) return;
  throw new AmpoError(
    'schema-too-new',
    `The database ${filename} was written by a newer version of @ampo/store-sqlite: it has schema ${unknown.at(-1)}, ` +
      `and this version knows schemas up to ${migrationNames.at(-1)}. Upgrade @ampo/store-sqlite, or open another file. ` +
      'Nothing in the file was changed.',
    { details: { filename, unknownMigrations: unknown, latestKnown: migrationNames.at(-1) } },
  );
};

/**
 * Brings the schema to `upTo` (the latest by default) in one immediate transaction, so that two
 * processes opening the same file migrate it once and a failed migration leaves nothing behind.
 */
export const migrate = async (database: SqliteDatabase, filename: string, upTo?: string): Promise<void> => {
  const db = createKysely(database);
  const migrator = new Migrator({ db, provider: migrationProvider(upTo) });
  database.exec('begin immediate');
  try {
    // Checked again under the write lock: another process may have migrated meanwhile.
    refuseNewerSchema(database, filename);
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
    database.exec('commit');
  } catch (error) {
    if (database.inTransaction) database.exec('rollback');
    throw error;
  }
};
