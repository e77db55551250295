/** @ampo/store-sqlite: TaskStore for ampo on SQLite (kysely + better-sqlite3). Not built yet: see the project's open issues. */
export const packageName = '@ampo/store-sqlite';
