import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDockerEngineClient, createDockerRuntime, type DockerRuntime } from '@ampo/adapter-docker';
import { createGitHubApp, type GitHubApp } from '@ampo/adapter-github';
import { createGitHttpServer, createLocalCi, createLocalSourceHost, type GitHttpServer, type LocalSourceHost } from '@ampo/adapter-local';
import {
  type AgentDriver,
  type AgentKind,
  AmpoError,
  ampDriver,
  type CiProvider,
  claudeCodeDriver,
  codexDriver,
  createOrchestrator,
  type Orchestrator,
  type SourceHost,
  silentLogger,
  type TaskStore,
} from '@ampo/core';
import type { ServerSettings } from '../create-server.js';
import type { DockerEngine, EmbeddedStackSettings } from './embedded-stack-settings.js';
import { openStore } from './open-store.js';
import { type PreflightProblem, preflight } from './preflight.js';

export interface EmbeddedStack {
  orchestrator: Orchestrator;
  /** SQLite in the data directory, or the shared PostgreSQL database. */
  store: TaskStore;
  runtime: DockerRuntime;
  source: SourceHost;
  ci: CiProvider;
  mode: 'local' | 'github';
  /** Local mode: the git server and the source host with its review requests. */
  local?: { git: GitHttpServer; source: LocalSourceHost };
  github?: GitHubApp;
  /** The agents that have a driver. */
  agents: readonly AgentKind[];
  /** The offered repositories, as the source host resolved them. */
  repositories: readonly string[];
  instanceId: string;
  /** What `createServer` takes from the stack: `createServer({ ...stack.serverSettings, auth })`. */
  serverSettings: Pick<ServerSettings, 'orchestrator' | 'readiness' | 'repositories' | 'github'>;
  /** Stops the orchestrator (agent turns stay detached, for the next start) and closes the store and the git server. */
  close(): Promise<void>;
}

/** A stable id per data directory, so that a restarted server finds its workspaces again. */
export const instanceIdFor = (dataDirectory: string): string =>
  `ampo-${createHash('sha256').update(realpathSync(dataDirectory)).digest('hex').slice(0, 12)}`;

const driversFor = (agents: NonNullable<EmbeddedStackSettings['agents']>): Partial<Record<AgentKind, AgentDriver>> => ({
  ...(agents.amp ? { amp: ampDriver(agents.amp) } : {}),
  ...(agents['claude-code'] ? { 'claude-code': claudeCodeDriver(agents['claude-code']) } : {}),
  ...(agents.codex ? { codex: codexDriver(agents.codex) } : {}),
});

const failure = (problems: readonly PreflightProblem[]) =>
  new AmpoError(problems[0]?.code ?? 'invalid-input', problems.map((problem) => problem.message).join('\n'), {
    details: { problems: problems.map((problem) => problem.message) },
  });

/**
 * ampo's embedded defaults composed into one orchestrator: SQLite in the data directory, the
 * local Docker engine (host networking), and either local Git + local checks or, given an App,
 * GitHub. Checks first what it needs (engine, image, git) and throws one AmpoError naming every
 * problem, each with how to fix it. The caller starts the orchestrator (`orchestrator.start()`
 * resumes unfinished tasks) once it is ready to serve.
 */
export const createEmbeddedStack = async (settings: EmbeddedStackSettings): Promise<EmbeddedStack> => {
  const dataDirectory = resolve(settings.dataDirectory);
  mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
  const engine = settings.docker
    ? { docker: settings.docker, address: undefined }
    : createDockerEngineClient(settings.dockerHost ? { host: settings.dockerHost } : {});
  const docker = engine.docker as unknown as DockerEngine;
  const localMode = !settings.github;
  const problems = await preflight({
    docker,
    image: settings.image,
    localMode,
    ...(engine.address ? { engineAddress: engine.address } : {}),
  });
  if (problems.length > 0) throw failure(problems);

  const logger = settings.logger ?? silentLogger;
  const instanceId = settings.instanceId ?? instanceIdFor(dataDirectory);
  const agents = settings.agents ?? { amp: {} };
  const drivers = driversFor(agents);
  const runtime = createDockerRuntime({
    image: settings.image,
    docker,
    network: settings.network ?? 'host',
    instanceId,
    ...(settings.labels ? { labels: settings.labels } : {}),
  });
  const storeHandle = await openStore(settings, dataDirectory);
  const store = storeHandle.store;
  const opened: Array<() => Promise<void>> = [() => storeHandle.close()];
  const closeOpened = async () => {
    for (const close of opened.splice(0).reverse()) await close();
  };

  try {
    let parts: Pick<EmbeddedStack, 'source' | 'ci' | 'local' | 'github'>;
    const secrets: string[] = Object.values(agents).flatMap((options) => (options?.apiKey ? [options.apiKey] : []));
    if (settings.github) {
      const github = createGitHubApp({ ...settings.github, logger });
      parts = { source: github.source, ci: github.ci, github };
      secrets.push(settings.github.privateKey, ...(settings.github.webhookSecret ? [settings.github.webhookSecret] : []));
    } else {
      const git = await createGitHttpServer({ ...settings.git });
      opened.push(() => git.close());
      const source = createLocalSourceHost({
        git,
        reviewsFile: join(dataDirectory, 'reviews.json'),
        ...(settings.repositoryRoots ? { allowedRoots: settings.repositoryRoots } : {}),
      });
      parts = { source, ci: createLocalCi({ runtime, source }), local: { git, source } };
      secrets.push(git.token);
    }

    const repositories: string[] = [];
    const refused: PreflightProblem[] = [];
    for (const repo of settings.repositories ?? []) {
      try {
        repositories.push(parts.source.resolveRepo ? await parts.source.resolveRepo(repo) : repo);
      } catch (error) {
        const reason = AmpoError.from(error, 'invalid-input');
        refused.push({ code: reason.code, message: `Repository ${repo} cannot be offered: ${reason.message}` });
      }
    }
    if (refused.length > 0) throw failure(refused);

    const orchestrator = createOrchestrator(
      { runtime, agents: drivers, source: parts.source, ci: parts.ci, store, logger, ...storeHandle.shared },
      {
        ...settings.orchestrator,
        instanceId,
        leases: {
          ...settings.orchestrator?.leases,
          ...(settings.maxActive ? { maxActive: settings.maxActive } : {}),
          ...(settings.leaseTtlMs ? { ttlMs: settings.leaseTtlMs, intervalMs: Math.max(100, Math.floor(settings.leaseTtlMs / 3)) } : {}),
        },
        ...(settings.concurrency ? { concurrency: settings.concurrency } : {}),
        secrets: [...(settings.orchestrator?.secrets ?? []), ...secrets],
      },
    );
    // GitHub's events reach the tasks through the server: `createServer` routes `serverSettings.github`.
    let closing: Promise<void> | undefined;
    return {
      orchestrator,
      store,
      runtime,
      ...parts,
      mode: parts.github ? 'github' : 'local',
      agents: Object.keys(drivers) as AgentKind[],
      repositories,
      instanceId,
      serverSettings: {
        orchestrator,
        readiness: { store: () => store.listTasks({ limit: 1 }), docker: () => docker.ping() },
        repositories: { list: repositories, mode: parts.github ? 'github' : 'local' },
        ...(parts.github ? { github: { webhooks: parts.github.webhooks } } : {}),
      },
      close() {
        closing ??= (async () => {
          await orchestrator.stop();
          await closeOpened();
        })();
        return closing;
      },
    };
  } catch (error) {
    await closeOpened();
    throw error;
  }
};
