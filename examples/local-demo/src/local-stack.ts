import { createDockerRuntime } from '@ampo/adapter-docker';
import { createGitHttpServer, createLocalCi, createLocalSourceHost } from '@ampo/adapter-local';
import { ampDriver, createOrchestrator, type Logger, type Orchestrator, type OrchestratorOptions } from '@ampo/core';
import { createSqliteStore } from '@ampo/store-sqlite';

export interface LocalStackSettings {
  /** The worker image. */
  image: string;
  /** The SQLite file. */
  databaseFile: string;
  /** Where review requests are recorded. */
  reviewsFile: string;
  /** The agent executable: `amp` for the real one, `ampo-scripted-agent` for the scripted one. */
  agentBinary: string;
  /** Passed to the agent as `AMP_API_KEY`. */
  ampApiKey?: string;
  /** Labels on every container, e.g. to find a test run's containers. */
  labels?: Record<string, string>;
  /** A stable id so that a restarted orchestrator finds its containers. */
  instanceId: string;
  /** A fixed port for the git server, so a restarted process serves the same URLs. @default any free port */
  gitPort?: number;
  gitToken?: string;
  logger?: Logger;
  options?: OrchestratorOptions;
}

/**
 * ampo with its embedded defaults: SQLite, the local Docker engine, git over loopback HTTP and
 * checks run in containers. Containers use the host network to reach the git server on 127.0.0.1.
 */
export const createLocalStack = async (settings: LocalStackSettings) => {
  const git = await createGitHttpServer({
    ...(settings.gitPort ? { port: settings.gitPort } : {}),
    ...(settings.gitToken ? { token: settings.gitToken } : {}),
  });
  const runtime = createDockerRuntime({
    image: settings.image,
    network: 'host',
    instanceId: settings.instanceId,
    ...(settings.labels ? { labels: settings.labels } : {}),
  });
  const source = createLocalSourceHost({ git, reviewsFile: settings.reviewsFile });
  const ci = createLocalCi({ runtime, source });
  const store = await createSqliteStore({ filename: settings.databaseFile });
  const orchestrator: Orchestrator = createOrchestrator(
    {
      runtime,
      agents: { amp: ampDriver({ binary: settings.agentBinary, ...(settings.ampApiKey ? { apiKey: settings.ampApiKey } : {}) }) },
      source,
      ci,
      store,
      ...(settings.logger ? { logger: settings.logger } : {}),
    },
    { instanceId: settings.instanceId, secrets: [git.token], ...settings.options },
  );
  return {
    orchestrator,
    runtime,
    source,
    store,
    git,
    async close() {
      await orchestrator.stop();
      await store.close();
      await git.close();
    },
  };
};
