export type * from './agent-driver.js';
export type * from './ci-provider.js';
export * from './clock.js';
export type * from './container-runtime.js';
export * from './logger.js';
export type * from './source-host.js';
export type * from './task-leases.js';
export * from './task-list-cursor.js';
export type * from './task-store.js';
