export * from './docker-tls/index.js';
export * from './github-simulator/index.js';
export * from './image/index.js';
export * from './postgres/index.js';
export * from './sample-project/index.js';
export * from './scripted-agent/index.js';
