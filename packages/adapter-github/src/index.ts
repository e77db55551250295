/** @ampo/adapter-github: SourceHost and CiProvider for ampo as a GitHub App. */
export type { PollingSettings } from './ci-provider.js';
export { createGitHubApp, type GitHubApp, type GitHubAppSettings } from './create-github-app.js';
export type { OctokitOptions } from './github-client.js';
export { gitCredentialEnv } from './source-host.js';
export type { GitHubEvent, GitHubWebhooks, WebhookDelivery } from './webhooks.js';
