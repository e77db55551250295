import type { PullRequestRef } from '../domain/task.js';
import { AmpoError } from '../errors.js';
import type { OpenPullRequest, SourceHost } from '../ports/source-host.js';
import type { FakeGit } from './fake-git.js';

export interface FakePullRequest extends PullRequestRef {
  repo: string;
  base: string;
  head: string;
  title: string;
  body: string;
  draft: boolean;
  comments: string[];
}

export interface FakeSourceHost extends SourceHost {
  readonly pullRequests: readonly FakePullRequest[];
  /** The credential handed out with every remote; tests assert it never leaks. */
  readonly token: string;
}

/** A {@link SourceHost} over {@link FakeGit}'s remotes: `repo` is the remote's URL. */
export const createFakeSourceHost = (options: { git: FakeGit; token?: string }): FakeSourceHost => {
  const pullRequests: FakePullRequest[] = [];
  const token = options.token ?? 'fake-source-token-0123456789abcdef';
  const remote = (repo: string) => {
    if (!options.git.remotes.has(repo)) throw new AmpoError('not-found', `No repository ${repo} on the fake source host.`);
    return { url: repo, env: { FAKE_GIT_TOKEN: token } };
  };
  const find = (repo: string, number: number) => {
    const pull = pullRequests.find((candidate) => candidate.repo === repo && candidate.number === number);
    if (!pull) throw new AmpoError('not-found', `No pull request #${number} in ${repo}.`);
    return pull;
  };
  return {
    pullRequests,
    token,
    async cloneRemote(repo) {
      return remote(repo);
    },
    async pushRemote(repo) {
      return remote(repo);
    },
    async openPullRequest(request: OpenPullRequest) {
      const existing = pullRequests.find((pull) => pull.repo === request.repo && pull.head === request.head);
      if (existing) {
        Object.assign(existing, { title: request.title, body: request.body });
        return { number: existing.number, url: existing.url };
      }
      const number = pullRequests.length + 1;
      const pull: FakePullRequest = {
        number,
        url: `${request.repo}/pull/${number}`,
        repo: request.repo,
        base: request.base,
        head: request.head,
        title: request.title,
        body: request.body,
        draft: request.draft ?? false,
        comments: [],
      };
      pullRequests.push(pull);
      return { number, url: pull.url };
    },
    async updatePullRequest(request) {
      const pull = find(request.repo, request.number);
      if (request.title !== undefined) pull.title = request.title;
      if (request.body !== undefined) pull.body = request.body;
    },
    async comment(repo, number, body) {
      find(repo, number).comments.push(body);
    },
  };
};
