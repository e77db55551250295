export { type CheckDefinition, parseChecksFile } from './checks-file.js';
export { createGitHttpServer, type GitHttpServer, type GitHttpServerSettings } from './git-http-server.js';
export { createLocalCi, type LocalCiSettings } from './local-ci-provider.js';
export { createLocalSourceHost, type LocalSourceHost, type LocalSourceHostSettings } from './local-source-host.js';
export { ReviewRequest } from './review-requests.js';
