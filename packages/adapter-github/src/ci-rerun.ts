import type { CiTarget, Logger } from '@ampo/core';
import { isGreen } from '@ampo/core';
import type { CiSnapshot } from './ci-snapshot.js';
import { type GitHubClient, parseRepo, type RequiredPermission, toAmpoError } from './github-client.js';

const actionsWrite: RequiredPermission = ['actions', 'write'];
const contentsRead: RequiredPermission = ['contents', 'read'];
// GitHub's compare lists at most 300 files: a longer list is cut, so it cannot say what was not touched.
const compareFileLimit = 300;

/**
 * Asks GitHub to run the failed jobs of `checks` again (`rerun-failed-jobs` on their workflow runs,
 * a workflow run being the check suite of its jobs). A run still running is only followed; checks
 * that are not Actions jobs cannot be re-run through the API and keep their result. Without
 * `actions: write` nothing is re-run (the loop then charges the failure as usual), with a warning.
 */
export const rerunFailedJobs = async (
  client: GitHubClient,
  logger: Logger,
  target: CiTarget,
  snapshot: CiSnapshot,
  checks: readonly string[],
  signal: AbortSignal,
): Promise<number> => {
  const wanted = new Set(checks);
  const suites = new Set(
    snapshot.runs
      .filter((run) => wanted.has(run.name) && run.status === 'completed' && !isGreen((run.conclusion ?? 'failure') as 'failure'))
      .flatMap((run) => (run.check_suite ? [run.check_suite.id] : [])),
  );
  if (suites.size === 0) return 0;
  const { owner, repo } = parseRepo(target.repo);
  let octokit: Awaited<ReturnType<GitHubClient['installation']>>['octokit'];
  try {
    ({ octokit } = await client.installation(target.repo, actionsWrite));
  } catch (error) {
    logger.warn('cannot re-run failed jobs', { repo: target.repo, sha: target.sha, message: String((error as Error).message ?? error) });
    return 0;
  }
  const workflowRuns = await octokit.paginate(octokit.rest.actions.listWorkflowRunsForRepo, {
    owner,
    repo,
    head_sha: target.sha,
    per_page: 100,
    request: { signal },
  });
  let asked = 0;
  for (const run of workflowRuns.filter((candidate) => suites.has(candidate.check_suite_id ?? -1) && candidate.status === 'completed')) {
    try {
      await octokit.rest.actions.reRunWorkflowFailedJobs({ owner, repo, run_id: run.id, request: { signal } });
      asked++;
    } catch (error) {
      // 403: the run is running again already (or has nothing left to re-run): follow it as it is.
      if ((error as { status?: number }).status !== 403)
        throw toAmpoError(error, `re-running the failed jobs of run ${run.id}`, actionsWrite, target.repo);
    }
  }
  return asked;
};

export interface Comparison {
  /** The base branch's head, as the compare saw it. */
  baseSha: string;
  /** The files the branch changed since it left the base; undefined when GitHub's list was cut. */
  files: string[] | undefined;
}

/**
 * One request for two answers about a red commit: the base branch's head (for failures that also
 * happen there) and the files the branch changed (for failures in code the agent did not touch).
 */
export const compareWithBase = async (client: GitHubClient, target: CiTarget, signal: AbortSignal): Promise<Comparison | undefined> => {
  const { owner, repo } = parseRepo(target.repo);
  const { octokit } = await client.installation(target.repo, contentsRead);
  try {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `${target.baseBranch}...${target.sha}`,
      request: { signal },
    });
    const files = data.files ?? [];
    return { baseSha: data.base_commit.sha, files: files.length >= compareFileLimit ? undefined : files.map((file) => file.filename) };
  } catch (error) {
    // No base branch, or no history in common: nothing to compare with.
    if ((error as { status?: number }).status === 404) return undefined;
    throw toAmpoError(error, `comparing ${target.sha.slice(0, 12)} with ${target.baseBranch}`, contentsRead, target.repo);
  }
};
