export { type StartPostgresOptions, startPostgres, type TestPostgres } from './start-postgres.js';
