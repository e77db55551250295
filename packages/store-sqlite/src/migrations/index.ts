import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { ciAttemptsAndAgentSessions } from './0002-ci-attempts-and-agent-sessions.js';
import { idempotencyKeys } from './0003-idempotency-keys.js';
import { taskLeases } from './0004-task-leases.js';

/**
 * Every schema version, in order. Names sort in the order they run; a name, once released, never
 * changes, and migrations only ever get added at the end.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-ci-attempts-and-agent-sessions': ciAttemptsAndAgentSessions,
  '0003-idempotency-keys': idempotencyKeys,
  '0004-task-leases': taskLeases,
};

export const migrationNames: readonly string[] = Object.keys(migrations);

export const migrationProvider = (upTo?: string): MigrationProvider => ({
  async getMigrations() {
    const names = upTo === undefined ? migrationNames : migrationNames.slice(0, migrationNames.indexOf(upTo) + 1);
    return Object.fromEntries(names.map((name) => [name, migrations[name] as Migration]));
  },
});
