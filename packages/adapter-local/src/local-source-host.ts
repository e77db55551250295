import { AmpoError, type SourceHost } from '@ampo/core';
import type { GitHttpServer } from './git-http-server.js';
import { gitDirectoryOf, isGitUrl, resolveRepositoryAnywhere, resolveRepositoryUnderRoots } from './repository-path.js';
import { createReviewRequestFile, type ReviewRequest } from './review-requests.js';

export interface LocalSourceHostSettings {
  /** Serves repositories given as paths. */
  git: GitHttpServer;
  /** Where review requests are kept. @default '.ampo/reviews.json' */
  reviewsFile?: string;
  /**
   * Directories whose repositories may be used. When set, a task's repo must be a path (relative
   * ones are taken from the first root) whose real location is inside one of them; URLs, paths
   * outside, and links that lead outside are refused before git sees them.
   * @default undefined (any URL, or any absolute path)
   */
  allowedRoots?: readonly string[];
}

export interface LocalSourceHost extends SourceHost {
  /** Review requests (the local pull requests), oldest first. */
  reviewRequests(): Promise<ReviewRequest[]>;
}

/**
 * A {@link SourceHost} for git remotes that need no hosting service: a bare repository on disk
 * (given by path, served to workspaces over loopback HTTP) or any URL git can reach. A "pull
 * request" is a review request recorded in a file.
 */
export const createLocalSourceHost = (settings: LocalSourceHostSettings): LocalSourceHost => {
  const reviews = createReviewRequestFile(settings.reviewsFile ?? '.ampo/reviews.json');
  const roots = settings.allowedRoots;
  const resolveRepo = (repo: string) =>
    roots && roots.length > 0 ? resolveRepositoryUnderRoots(repo, roots) : resolveRepositoryAnywhere(repo);
  const remoteFor = async (repo: string) => {
    const resolved = resolveRepo(repo);
    if (isGitUrl(resolved)) return { url: resolved };
    return { url: settings.git.serve(gitDirectoryOf(resolved)), env: settings.git.authEnv() };
  };
  const now = () => new Date().toISOString();
  const find = (list: ReviewRequest[], repo: string, number: number) => {
    const found = list.find((review) => review.repo === repo && review.number === number);
    if (!found) throw new AmpoError('not-found', `No review request #${number} for ${repo}.`);
    return found;
  };
  return {
    resolveRepo: async (repo) => resolveRepo(repo),
    cloneRemote: remoteFor,
    pushRemote: (repo) => remoteFor(repo),
    openPullRequest: (request) =>
      reviews.update((list) => {
        const existing = list.find((review) => review.repo === request.repo && review.head === request.head);
        if (existing) {
          Object.assign(existing, { title: request.title, body: request.body, updatedAt: now() });
          return { reviews: list, result: { number: existing.number, url: `review:${existing.number}` } };
        }
        const number = Math.max(0, ...list.map((review) => review.number)) + 1;
        const review: ReviewRequest = {
          number,
          repo: request.repo,
          taskId: request.taskId,
          base: request.base,
          head: request.head,
          title: request.title,
          body: request.body,
          draft: request.draft ?? false,
          comments: [],
          createdAt: now(),
          updatedAt: now(),
        };
        return { reviews: [...list, review], result: { number, url: `review:${number}` } };
      }),
    updatePullRequest: (request) =>
      reviews.update((list) => {
        const review = find(list, request.repo, request.number);
        if (request.title !== undefined) review.title = request.title;
        if (request.body !== undefined) review.body = request.body;
        review.updatedAt = now();
        return { reviews: list, result: undefined };
      }),
    comment: (repo, number, body) =>
      reviews.update((list) => {
        find(list, repo, number).comments.push({ at: now(), body });
        return { reviews: list, result: undefined };
      }),
    reviewRequests: () => reviews.read(),
  };
};
