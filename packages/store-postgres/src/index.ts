export { changesChannel } from './change-feed.js';
export { createPostgresStore, type PostgresStoreSettings, type PostgresTaskStore } from './create-postgres-store.js';
export type { PgListenClient, PgNotification, PgPool, PgPoolClient, PgQueryResult } from './postgres-pool.js';
