import type { GitRemote, OpenPullRequest, PullRequestRef, SourceHost, UpdatePullRequest } from '@ampo/core';
import { type GitHubClient, parseRepo, type RequiredPermission, toAmpoError } from './github-client.js';
import { appendTaskMarker, readTaskMarker } from './task-marker.js';

const contentsRead: RequiredPermission = ['contents', 'read'];
const contentsWrite: RequiredPermission = ['contents', 'write'];
const pullRequestsWrite: RequiredPermission = ['pull_requests', 'write'];

/** Credentials for one git exec: an `http.extraHeader`, as actions/checkout passes them, never in the URL or argv. */
export const gitCredentialEnv = (token: string): Record<string, string> => ({
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'http.extraHeader',
  GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
});

/** {@link SourceHost} for repositories the GitHub App is installed on. */
export const createGitHubSourceHost = (client: GitHubClient): SourceHost => {
  const cloneUrls = new Map<string, string>();
  const taskOfPull = new Map<string, string>();

  const cloneUrl = async (fullName: string) => {
    const cached = cloneUrls.get(fullName);
    if (cached) return cached;
    const { octokit } = await client.installation(fullName, contentsRead);
    try {
      const { data } = await octokit.rest.repos.get(parseRepo(fullName));
      cloneUrls.set(fullName, data.clone_url);
      return data.clone_url;
    } catch (error) {
      throw toAmpoError(error, `reading ${fullName}`, ['metadata', 'read'], fullName);
    }
  };

  const remote = async (fullName: string, needs: RequiredPermission): Promise<GitRemote> => {
    const url = await cloneUrl(fullName);
    return { url, env: gitCredentialEnv(await client.token(fullName, needs)) };
  };

  const findOpen = async (fullName: string, head: string) => {
    const { owner, repo } = parseRepo(fullName);
    const { octokit } = await client.installation(fullName, pullRequestsWrite);
    const { data } = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${head}`, state: 'open', per_page: 10 });
    return data[0];
  };

  const update = async (fullName: string, number: number, fields: { title?: string; body?: string }) => {
    const { owner, repo } = parseRepo(fullName);
    const { octokit } = await client.installation(fullName, pullRequestsWrite);
    const { data } = await octokit.rest.pulls.update({ owner, repo, pull_number: number, ...fields });
    return { number: data.number, url: data.html_url };
  };

  return {
    async resolveRepo(fullName) {
      const { owner, repo } = parseRepo(fullName);
      return `${owner}/${repo}`;
    },
    cloneRemote: (repo) => remote(repo, contentsRead),
    pushRemote: (repo) => remote(repo, contentsWrite),

    async openPullRequest(request: OpenPullRequest): Promise<PullRequestRef> {
      const { owner, repo } = parseRepo(request.repo);
      const body = appendTaskMarker(request.body, request.taskId);
      try {
        const existing = await findOpen(request.repo, request.head);
        if (existing) {
          taskOfPull.set(`${request.repo}#${existing.number}`, request.taskId);
          return await update(request.repo, existing.number, { title: request.title, body });
        }
        const { octokit } = await client.installation(request.repo, pullRequestsWrite);
        try {
          const { data } = await octokit.rest.pulls.create({
            owner,
            repo,
            head: request.head,
            base: request.base,
            title: request.title,
            body,
            draft: request.draft ?? false,
          });
          taskOfPull.set(`${request.repo}#${data.number}`, request.taskId);
          return { number: data.number, url: data.html_url };
        } catch (error) {
          // A create whose answer was lost (and retried) finds its own pull request here.
          if ((error as { status?: number }).status !== 422) throw error;
          const created = await findOpen(request.repo, request.head);
          if (!created) throw error;
          taskOfPull.set(`${request.repo}#${created.number}`, request.taskId);
          return await update(request.repo, created.number, { title: request.title, body });
        }
      } catch (error) {
        throw toAmpoError(error, `opening a pull request for ${request.head} on ${request.repo}`, pullRequestsWrite, request.repo);
      }
    },

    async updatePullRequest(request: UpdatePullRequest): Promise<void> {
      try {
        let body = request.body;
        if (body !== undefined) {
          let taskId = taskOfPull.get(`${request.repo}#${request.number}`);
          if (!taskId) {
            // After a restart: the marker in the current body says which task this is.
            const { octokit } = await client.installation(request.repo, pullRequestsWrite);
            const { data } = await octokit.rest.pulls.get({ ...parseRepo(request.repo), pull_number: request.number });
            taskId = readTaskMarker(data.body ?? '');
          }
          if (taskId) body = appendTaskMarker(body, taskId);
        }
        await update(request.repo, request.number, {
          ...(request.title === undefined ? {} : { title: request.title }),
          ...(body === undefined ? {} : { body }),
        });
      } catch (error) {
        throw toAmpoError(error, `updating pull request #${request.number} on ${request.repo}`, pullRequestsWrite, request.repo);
      }
    },

    async comment(fullName: string, number: number, body: string): Promise<void> {
      try {
        const { octokit } = await client.installation(fullName, pullRequestsWrite);
        await octokit.rest.issues.createComment({ ...parseRepo(fullName), issue_number: number, body });
      } catch (error) {
        throw toAmpoError(error, `commenting on #${number} of ${fullName}`, pullRequestsWrite, fullName);
      }
    },
  };
};
