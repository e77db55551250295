import type { AgentDriversOptions, Logger } from '@ampo/core';
import type { EmbeddedStackSettings } from '../stack/embedded-stack-settings.js';
import type { RunOptions, StartOptions } from './command-options.js';

type StackOptions = StartOptions | RunOptions;

/**
 * The agents that can run: each real one whose key is set, and Amp also when `--agent-binary`
 * names a stand-in that needs none. Keys travel only in the drivers' per-exec environment.
 */
export const agentsOf = (options: StackOptions): AgentDriversOptions => ({
  ...(options.ampApiKey || options.agentBinary
    ? {
        amp: {
          ...(options.ampApiKey ? { apiKey: options.ampApiKey } : {}),
          ...(options.agentBinary ? { binary: options.agentBinary } : {}),
        },
      }
    : {}),
  ...(options.anthropicApiKey ? { 'claude-code': { apiKey: options.anthropicApiKey } } : {}),
  ...(options.codexApiKey ? { codex: { apiKey: options.codexApiKey } } : {}),
});

export const noAgentProblem =
  'No agent can run: set AMP_API_KEY (or ANTHROPIC_API_KEY for Claude Code, CODEX_API_KEY for Codex), or pass --agent-binary ampo-scripted-agent to use the scripted stand-in of the offline test image.';

/** Host, port and database of a PostgreSQL URL: never its user or password. */
export const databaseAddress = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname}`;
};

/** One line that says how tasks run: where repositories come from and which agents work on them. */
export const describeStack = (options: StackOptions, agents: AgentDriversOptions): string[] => {
  const names = Object.keys(agents).map((kind) =>
    kind === 'amp' && options.agentBinary ? `amp (run as ${options.agentBinary}${options.ampApiKey ? '' : ', no key'})` : kind,
  );
  return [
    options.githubAppId
      ? `GitHub App ${options.githubAppId}: tasks run against GitHub repositories (owner/name)`
      : `local Git and local checks: repositories under ${options.repoRoot.join(', ')}`,
    `agents: ${names.join(', ')}; worker image ${options.image}`,
    options.database
      ? `store: PostgreSQL at ${databaseAddress(options.database)}, shared with other instances${options.maxActive ? ` (at most ${options.maxActive} tasks at once across them)` : ''}`
      : `store: SQLite in ${options.dataDir}`,
  ];
};

/** The embedded stack `start` and `run` compose from their options. */
export const stackSettingsOf = (
  options: StackOptions,
  extra: { repositories?: readonly string[]; logger: Logger },
): EmbeddedStackSettings => {
  const privateKey = options.githubPrivateKey ?? options.githubPrivateKeyPath;
  return {
    dataDirectory: options.dataDir,
    image: options.image,
    agents: agentsOf(options),
    logger: extra.logger,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.database ? { databaseUrl: options.database } : {}),
    ...(options.maxActive ? { maxActive: options.maxActive } : {}),
    ...(options.leaseTtl ? { leaseTtlMs: options.leaseTtl * 1000 } : {}),
    ...(options.dockerHost ? { dockerHost: options.dockerHost } : {}),
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
    ...(extra.repositories ? { repositories: extra.repositories } : {}),
    ...(options.githubAppId && privateKey
      ? {
          github: {
            appId: options.githubAppId,
            privateKey,
            ...(options.githubWebhookSecret ? { webhookSecret: options.githubWebhookSecret } : {}),
            ...(options.githubApiUrl ? { baseUrl: options.githubApiUrl } : {}),
            // One steady interval: the safety net for a lost webhook, or the pace without webhooks.
            ...(options.githubPollInterval
              ? { polling: { initialDelayMs: options.githubPollInterval * 1000, maxDelayMs: options.githubPollInterval * 1000 } }
              : {}),
          },
        }
      : { repositoryRoots: options.repoRoot }),
  };
};
