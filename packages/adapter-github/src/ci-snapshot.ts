import {
  type CheckStatus,
  type CiConclusion,
  CiConclusion as CiConclusionSchema,
  type CiFailure,
  digestCheckOutput,
  isGreen,
  tailBytes,
} from '@ampo/core';
import type { GitHubOctokit } from './github-client.js';

/** One check run as ampo needs it (a slice of GitHub's check-run object). */
interface CheckRunSlice {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  html_url: string | null;
  started_at: string | null;
  completed_at: string | null;
  app: { slug?: string } | null;
  check_suite?: { id: number } | null;
  output: { title: string | null; summary: string | null; annotations_count: number };
}

interface StatusSlice {
  context: string;
  state: string;
  description: string | null;
  target_url: string | null;
}

export interface CiSnapshot {
  checks: CheckStatus[];
  /** Something is still queued or running (a check, a status, a suite). */
  pending: boolean;
  runs: CheckRunSlice[];
  statuses: StatusSlice[];
}

const knownConclusions = new Set<string>(CiConclusionSchema.options);
const toConclusion = (value: string | null | undefined): CiConclusion =>
  value && knownConclusions.has(value) ? (value as CiConclusion) : 'failure';

/**
 * Reads what GitHub knows about CI on `sha`: check runs (latest per name) and check suites, which
 * cover Actions too (a workflow run is a check suite), and the legacy commit statuses once the
 * checks have settled (they cannot end CI before the checks do, so reading them earlier is a
 * wasted request). Every GET is conditional: an unchanged one is a free 304.
 */
export const readCi = async (
  octokit: GitHubOctokit,
  owner: string,
  repo: string,
  sha: string,
  options: {
    signal?: AbortSignal | undefined;
    permissions: Record<string, string>;
    /** Check runs alone (the base branch's, to compare failures with): no suites, no statuses. */
    onlyCheckRuns?: boolean;
    /** Whether to read the legacy commit statuses once the checks settled. @default true */
    readStatuses?: boolean;
  },
): Promise<CiSnapshot> => {
  const request = { signal: options.signal };
  const [runs, suites] = await Promise.all([
    octokit.paginate(octokit.rest.checks.listForRef, { owner, repo, ref: sha, filter: 'latest', per_page: 100, request }),
    options.onlyCheckRuns ? [] : octokit.paginate(octokit.rest.checks.listSuitesForRef, { owner, repo, ref: sha, per_page: 100, request }),
  ]);
  // filter=latest already keeps the newest run per name; a re-run with the same name replaces the old one here too.
  const latest = new Map<string, CheckRunSlice>();
  for (const run of runs as CheckRunSlice[]) if ((latest.get(run.name)?.id ?? 0) < run.id) latest.set(run.name, run);
  const checksPending =
    [...latest.values()].some((run) => run.status !== 'completed') ||
    // A suite that has runs (or belongs to Actions, whose runs appear later) is not done until it says so.
    suites.some((suite) => suite.status !== 'completed' && (suite.latest_check_runs_count > 0 || suite.app?.slug === 'github-actions'));
  // Statuses are read only when the installation may: an App without them still sees check runs.
  const statuses: StatusSlice[] =
    options.permissions.statuses && options.readStatuses !== false && !checksPending && !options.onlyCheckRuns
      ? await octokit.rest.repos
          .getCombinedStatusForRef({ owner, repo, ref: sha, per_page: 100, request })
          .then(({ data }) => data.statuses as StatusSlice[])
      : [];
  const checks: CheckStatus[] = [
    ...[...latest.values()].map((run): CheckStatus => {
      const completed = run.status === 'completed';
      const duration = run.started_at && run.completed_at ? Date.parse(run.completed_at) - Date.parse(run.started_at) : undefined;
      return {
        name: run.name,
        state: completed ? 'completed' : run.status === 'in_progress' ? 'in_progress' : 'queued',
        ...(completed ? { conclusion: toConclusion(run.conclusion) } : {}),
        ...(run.html_url ? { url: run.html_url } : {}),
        ...(duration !== undefined && duration >= 0 ? { durationMs: duration } : {}),
      };
    }),
    ...statuses.map(
      (status): CheckStatus => ({
        name: status.context,
        state: status.state === 'pending' ? 'in_progress' : 'completed',
        ...(status.state === 'pending' ? {} : { conclusion: status.state === 'success' ? 'success' : 'failure' }),
        ...(status.target_url ? { url: status.target_url } : {}),
      }),
    ),
  ];
  return {
    checks,
    pending: checksPending || statuses.some((status) => status.state === 'pending'),
    runs: [...latest.values()],
    statuses,
  };
};

const worstFirst: CiConclusion[] = ['failure', 'timed_out', 'startup_failure', 'cancelled', 'stale', 'action_required'];

/** The commit's conclusion: green only when every check is. */
export const overallConclusion = (checks: readonly CheckStatus[]): CiConclusion => {
  const conclusions = checks.map((check) => check.conclusion ?? 'failure');
  if (conclusions.every(isGreen)) return 'success';
  return worstFirst.find((conclusion) => conclusions.includes(conclusion)) ?? 'failure';
};

const maxFailures = 20;
const maxExcerptBytes = 4000;

/**
 * Why each non-green check failed: for an Actions job the digest of its log (its failed steps)
 * (around `##[error]`), for any check run its failure annotations, for a status its description.
 */
export const extractFailures = async (
  octokit: GitHubOctokit,
  owner: string,
  repo: string,
  snapshot: CiSnapshot,
  options: { onlyChecks?: ReadonlySet<string>; signal?: AbortSignal; permissions: Record<string, string> },
): Promise<CiFailure[]> => {
  const request = { signal: options.signal };
  const wanted = (name: string) => !options.onlyChecks || options.onlyChecks.has(name);
  const failedRuns = snapshot.runs.filter(
    (run) => run.status === 'completed' && !isGreen(toConclusion(run.conclusion)) && wanted(run.name),
  );
  const failures: CiFailure[] = [];
  for (const run of failedRuns) {
    const conclusion = toConclusion(run.conclusion);
    const found: CiFailure[] = [];
    // An Actions job's id is its check run's id, and its log names the failed step (`##[group]Run …`
    // with an `##[error]`): the log alone says what the job's own record would.
    const job = run.app?.slug === 'github-actions' && options.permissions.actions ? { name: run.name } : undefined;
    if (job && conclusion === 'failure') {
      const log = await octokit.rest.actions.downloadJobLogsForWorkflowRun({ owner, repo, job_id: run.id, request });
      const text = typeof log.data === 'string' ? log.data : String(log.data ?? '');
      found.push(...digestCheckOutput({ check: run.name, job: job.name, output: text }));
    }
    const step = found.find((failure) => failure.step)?.step;
    if (run.output.annotations_count > 0) {
      const annotations = await octokit.paginate(octokit.rest.checks.listAnnotations, {
        owner,
        repo,
        check_run_id: run.id,
        per_page: 100,
        request,
      });
      for (const annotation of annotations) {
        if (annotation.annotation_level !== 'failure') continue;
        // Actions annotates the job itself ("Process completed with exit code 1") at .github: the log says more.
        if (
          annotation.path === '.github' ||
          found.some((failure) => failure.file === annotation.path && failure.line === annotation.start_line)
        )
          continue;
        found.push({
          check: run.name,
          ...(job ? { job: job.name } : {}),
          ...(step ? { step } : {}),
          kind: 'unknown',
          file: annotation.path,
          ...(annotation.start_line > 0 ? { line: annotation.start_line } : {}),
          message: [annotation.title, annotation.message].filter(Boolean).join(': '),
        });
      }
    }
    if (found.length === 0) {
      const detail = [run.output.title, run.output.summary].filter(Boolean).join('\n');
      found.push({
        check: run.name,
        ...(job ? { job: job.name } : {}),
        ...(step ? { step } : {}),
        kind: conclusion === 'timed_out' || conclusion === 'cancelled' || conclusion === 'startup_failure' ? 'infra' : 'unknown',
        message: detail ? tailBytes(detail, 1000) : `The check concluded ${conclusion}.`,
      });
    }
    failures.push(...found);
  }
  for (const status of snapshot.statuses) {
    if ((status.state === 'failure' || status.state === 'error') && wanted(status.context)) {
      failures.push({
        check: status.context,
        kind: status.state === 'error' ? 'infra' : 'unknown',
        message: status.description ?? `The status is ${status.state}.`,
      });
    }
  }
  return failures
    .slice(0, maxFailures)
    .map((failure) => (failure.logExcerpt ? { ...failure, logExcerpt: tailBytes(failure.logExcerpt, maxExcerptBytes) } : failure));
};
