import type { PullRequestRef } from '../domain/task.js';

/**
 * A git remote as seen from inside a workspace. `env` carries credentials (for example
 * `GIT_CONFIG_*` with an auth header) for exactly one git exec; it is never logged or stored and
 * the token is never part of `url`.
 */
export interface GitRemote {
  url: string;
  env?: Record<string, string>;
}

export interface OpenPullRequest {
  repo: string;
  taskId: string;
  base: string;
  head: string;
  title: string;
  body: string;
  draft?: boolean;
}

export interface UpdatePullRequest {
  repo: string;
  number: number;
  title?: string;
  body?: string;
}

/** Where the code lives (GitHub, a bare repo on disk, …). */
export interface SourceHost {
  /**
   * Checks that `repo` names a repository this host serves and returns the name tasks record
   * (for example an absolute path for a relative one). Rejects with an `invalid-input` AmpoError
   * that says why otherwise. `createTask` calls it before anything is stored, so a repository the
   * host must not touch never reaches git. Optional: without it every `repo` is taken as given.
   */
  resolveRepo?(repo: string): Promise<string>;
  /** Where to clone `repo` from, with fresh short-lived credentials. */
  cloneRemote(repo: string): Promise<GitRemote>;
  /** Where to push `branch` of `repo`, with fresh short-lived credentials. */
  pushRemote(repo: string, branch: string): Promise<GitRemote>;
  /**
   * Opens a pull request (or the host's equivalent) from `head` into `base`. Idempotent: when
   * one is already open for `head`, it is returned (and updated), never duplicated.
   */
  openPullRequest(request: OpenPullRequest): Promise<PullRequestRef>;
  updatePullRequest(request: UpdatePullRequest): Promise<void>;
  comment(repo: string, number: number, body: string): Promise<void>;
}
