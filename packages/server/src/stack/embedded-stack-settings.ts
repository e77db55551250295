import type { DockerClient } from '@ampo/adapter-docker';
import type { GitHubAppSettings } from '@ampo/adapter-github';
import type { GitHttpServerSettings } from '@ampo/adapter-local';
import type { AgentDriversOptions, Logger, OrchestratorOptions } from '@ampo/core';

/** The slice of dockerode's `Docker` the stack calls: the runtime's, plus what the preflight and readiness checks ask. */
export interface DockerEngine extends DockerClient {
  ping(): Promise<unknown>;
  getImage(name: string): { inspect(): Promise<unknown> };
}

/** A GitHub App to use instead of local Git and local checks. */
export type GitHubAppCredentials = Pick<GitHubAppSettings, 'appId' | 'privateKey' | 'webhookSecret' | 'baseUrl' | 'octokit' | 'polling'>;

export interface EmbeddedStackSettings {
  /** Holds the SQLite file (`ampo.db`) and the local review requests (`reviews.json`); created (mode 0700) when missing. */
  dataDirectory: string;
  /** The worker image every workspace and check container runs. */
  image: string;
  /**
   * Local mode: the directories whose repositories tasks may use. A task's repo is a path inside
   * one of them (relative paths are taken from the first); anything else is refused.
   * @default undefined: any absolute path or URL (the bin always passes roots)
   */
  repositoryRoots?: readonly string[];
  /** Repositories to offer in the UI's new-task form; each is vetted by the source host when the stack is created. */
  repositories?: readonly string[];
  /** With an App, tasks run against GitHub (`owner/name`) instead of local Git and local checks. */
  github?: GitHubAppCredentials;
  /**
   * The agents tasks may ask for, with their options (the key, the executable). Only these get a
   * driver: a task for another agent fails with a reason. @default { amp: {} }
   */
  agents?: AgentDriversOptions;
  /** Tasks running at once in this instance. @default 4 */
  concurrency?: number;
  /**
   * `postgres://…`: the tasks live in this PostgreSQL database, shared with every other instance
   * given the same URL (leases decide which instance runs which task). @default SQLite in `dataDirectory`
   */
  databaseUrl?: string;
  /** With `databaseUrl`: tasks running at once across all instances. @default no limit beyond each one's `concurrency` */
  maxActive?: number;
  /** With `databaseUrl`: how long a lease lasts without renewal, so how soon a dead instance's tasks move on. @default 30 s */
  leaseTtlMs?: number;
  /** The Docker engine (`unix://…` or `tcp://…`, TLS from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) when `docker` is not given. */
  dockerHost?: string;
  /**
   * Labels this deployment's workspaces, so a restart finds them again and two deployments on one
   * engine leave each other's alone. @default `ampo-` and a hash of the data directory's real path
   */
  instanceId?: string;
  /** More labels on every container (a test run's, for instance). */
  labels?: Record<string, string>;
  /**
   * Network mode of the containers. Local mode needs `host`: workspaces clone from the git server on 127.0.0.1.
   * @default 'host'
   */
  network?: string;
  /** @default new Docker() (DOCKER_HOST, else the local socket) */
  docker?: DockerEngine;
  /** Local mode's git server (a fixed port or token, e.g. for tests). @default any free port on 127.0.0.1, a random token */
  git?: Pick<GitHttpServerSettings, 'port' | 'token'>;
  /** @default a silent logger */
  logger?: Logger;
  /** Everything else the orchestrator takes (retry policy, machine limits, more secrets). */
  orchestrator?: Omit<OrchestratorOptions, 'concurrency' | 'instanceId'>;
}
