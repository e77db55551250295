export * from './fake-agent.js';
export * from './fake-ci-provider.js';
export * from './fake-container-runtime.js';
export * from './fake-git.js';
export * from './fake-source-host.js';
export * from './in-memory-task-store.js';
export * from './manual-clock.js';
export * from './orchestrator-harness.js';
