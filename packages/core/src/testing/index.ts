export * from './describe-ci-provider.js';
export * from './describe-container-runtime.js';
export * from './describe-source-host.js';
export * from './describe-task-store.js';
export * from './in-memory-task-store.js';
