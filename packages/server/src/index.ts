/** @ampo/server: the ampo server — REST, a resumable WebSocket, webhooks, OpenAPI, JWT auth, the web app. */
export { type Authenticator, type AuthSettings, createAuthenticator, sessionCookieName } from './auth/authenticator.js';
export { expandScopes, type Principal, Scope } from './auth/scopes.js';
export { loadOrCreateSecret } from './auth/secret-file.js';
export type { ExternalIdentityProvider, IssuedToken } from './auth/tokens.js';
export { type AmpoServer, createServer, type ListeningServer, type ServerSettings } from './create-server.js';
export { commentMessage, routeGitHubEvents } from './github/route-github-events.js';
export { httpStatusOf } from './http/error-status.js';
export type { RateLimitSettings } from './http/rate-limit.js';
export type { LiveSettings } from './live/live-settings.js';
export { asCoreLogger, createDefaultLogger } from './logging/logger.js';
export type { GitHubWebhookSettings } from './routes/webhooks.js';
export { createEmbeddedStack, type EmbeddedStack } from './stack/create-embedded-stack.js';
export type { DockerEngine, EmbeddedStackSettings, GitHubAppCredentials } from './stack/embedded-stack-settings.js';
