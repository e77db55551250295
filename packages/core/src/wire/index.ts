/**
 * `@ampo/core/wire`: what travels between an ampo server and its clients, as zod schemas. Safe
 * to import in a browser: it depends on zod alone.
 */
export * from '../domain/agent.js';
export * from '../domain/ci.js';
export * from '../domain/events.js';
export * from '../domain/log-chunk.js';
export * from '../domain/task.js';
export * from '../domain/task-state.js';
export { type AmpoErrorCode, ampoErrorCodes } from '../errors.js';
export * from './live-protocol.js';
export * from './problem.js';
export * from './task-list.js';
