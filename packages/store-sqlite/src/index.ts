export { createSqliteStore, type SqliteStoreSettings, type SqliteTaskStore } from './create-sqlite-store.js';
export type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';
