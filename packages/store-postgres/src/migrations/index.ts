import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';

/**
 * Every schema version, in order. Names sort in the order they run; a name, once released, never
 * changes, and migrations only ever get added at the end.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
};

export const migrationNames: readonly string[] = Object.keys(migrations);

export const migrationProvider = (): MigrationProvider => ({
  async getMigrations() {
    return migrations;
  },
});
