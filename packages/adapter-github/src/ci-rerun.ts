import type { CiFailure, CiTarget, Logger } from '@ampo/core';
import { isGreen } from '@ampo/core';
import type { CiSnapshot } from './ci-snapshot.js';
import { type GitHubClient, parseRepo, type RequiredPermission, toAmpoError } from './github-client.js';

const actionsWrite: RequiredPermission = ['actions', 'write'];
const contentsRead: RequiredPermission = ['contents', 'read'];
// GitHub's compare lists at most 300 files: a longer list is cut, so it cannot say what was not touched.
const compareFileLimit = 300;

/**
 * Asks GitHub to run the failed jobs of `checks` again (`rerun-failed-jobs` on their workflow runs,
 * found through the check runs' suites). A run still running is only followed; checks that are
 * not Actions jobs cannot be re-run through the API and keep their result. Without `actions:
 * write` nothing is re-run (the loop then charges the failure as usual) and a warning says why.
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
  const runs = snapshot.workflowRuns.filter(
    (run) => run.check_suite_id !== undefined && suites.has(run.check_suite_id) && run.status === 'completed',
  );
  if (runs.length === 0) return 0;
  const { owner, repo } = parseRepo(target.repo);
  let octokit: Awaited<ReturnType<GitHubClient['installation']>>['octokit'];
  try {
    ({ octokit } = await client.installation(target.repo, actionsWrite));
  } catch (error) {
    logger.warn('cannot re-run failed jobs', { repo: target.repo, sha: target.sha, message: String((error as Error).message ?? error) });
    return 0;
  }
  let asked = 0;
  for (const run of runs) {
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

/** Whether the loop could call these failures flaky at all: only then are the changed files worth a request. */
export const mayBeFlaky = (failures: readonly CiFailure[]): boolean =>
  failures.some((failure) => failure.kind === 'test') &&
  failures.every((failure) => failure.kind === 'infra' || (failure.kind === 'test' && !!(failure.file || failure.testFile)));

/** The files the commits from the base branch to `sha` changed, by GitHub's compare; undefined when it cannot tell. */
export const changedFiles = async (client: GitHubClient, target: CiTarget, signal: AbortSignal): Promise<string[] | undefined> => {
  const { owner, repo } = parseRepo(target.repo);
  try {
    const { octokit } = await client.installation(target.repo, contentsRead);
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `${target.baseBranch}...${target.sha}`,
      request: { signal },
    });
    const files = data.files ?? [];
    return files.length >= compareFileLimit ? undefined : files.map((file) => file.filename);
  } catch {
    return undefined;
  }
};
