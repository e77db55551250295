import { type CiProvider, type Clock, type Logger, type SourceHost, silentLogger, systemClock } from '@ampo/core';
import { createGitHubCiProvider, type PollingSettings } from './ci-provider.js';
import { createCiWakeups } from './ci-wakeups.js';
import { createGitHubClient, type OctokitOptions } from './github-client.js';
import { createGitHubSourceHost } from './source-host.js';
import { createGitHubWebhooks, type GitHubWebhooks } from './webhooks.js';

export interface GitHubAppSettings {
  /** The App's id (or client id), from its settings page. */
  appId: number | string;
  /** The App's private key, PEM (PKCS#1 or PKCS#8). */
  privateKey: string;
  /** The App's webhook secret. Without it `webhooks` rejects every delivery and CI is found by polling alone. */
  webhookSecret?: string;
  /** REST API root. @default 'https://api.github.com' (GitHub Enterprise Server: 'https://HOST/api/v3') */
  baseUrl?: string;
  /** Extra Octokit options for every client: `log`, `request` (for example `fetch`), `throttle`/`retry` tuning. */
  octokit?: OctokitOptions;
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * How CI is polled. With a webhook secret the defaults are slower (webhooks wake the watcher):
   * @default { initialDelayMs: 5_000, maxDelayMs: 60_000 } without, { initialDelayMs: 600_000, maxDelayMs: 600_000 } with (a safety net)
   */
  polling?: PollingSettings;
  /** How often a rate-limited request is retried (primary and secondary limits). @default 2 */
  maxRateLimitRetries?: number;
  /** A comment on an ampo pull request is for ampo when it contains this; `null` takes all. @default '@ampo' */
  mention?: string | null;
}

export interface GitHubApp {
  source: SourceHost;
  ci: CiProvider;
  webhooks: GitHubWebhooks;
}

/** ampo on GitHub through a GitHub App: source host, CI provider and webhooks. */
export const createGitHubApp = (settings: GitHubAppSettings): GitHubApp => {
  const clock = settings.clock ?? systemClock;
  const logger = settings.logger ?? silentLogger;
  const client = createGitHubClient({
    appId: settings.appId,
    privateKey: settings.privateKey,
    baseUrl: (settings.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    clock,
    logger,
    octokit: settings.octokit,
    maxRateLimitRetries: settings.maxRateLimitRetries ?? 2,
  });
  const wakeups = createCiWakeups();
  // With webhooks, polling is only a safety net for a lost delivery: every poll costs rate limit.
  const slow = settings.webhookSecret ? { initialDelayMs: 600_000, maxDelayMs: 600_000 } : {};
  return {
    source: createGitHubSourceHost(client),
    ci: createGitHubCiProvider({
      client,
      clock,
      logger,
      wakeups,
      polling: { ...slow, ...settings.polling },
      statusWebhooks: settings.webhookSecret !== undefined,
    }),
    webhooks: createGitHubWebhooks({
      secret: settings.webhookSecret,
      client,
      wakeups,
      logger,
      mention: settings.mention === undefined ? '@ampo' : settings.mention,
    }),
  };
};
