// The ports' conformance suites. They register vitest cases, so this entry needs vitest; the
// fakes in `@ampo/core/testing` do not.
export * from './describe-ci-provider.js';
export * from './describe-container-runtime.js';
export * from './describe-source-host.js';
export * from './describe-task-leases.js';
export * from './describe-task-store.js';
