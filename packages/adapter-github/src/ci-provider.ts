import {
  AmpoError,
  type CancelTimer,
  type CiFailure,
  type CiProvider,
  type CiTarget,
  type CiUpdate,
  type Clock,
  isGreen,
  type Logger,
  normaliseMessage,
} from '@ampo/core';
import { Observable } from 'rxjs';
import { type Comparison, compareWithBase, rerunFailedJobs } from './ci-rerun.js';
import { type CiSnapshot, extractFailures, overallConclusion, readCi } from './ci-snapshot.js';
import type { CiWakeups } from './ci-wakeups.js';
import { type GitHubClient, parseRepo, type RequiredPermission, toAmpoError } from './github-client.js';

export interface PollingSettings {
  /** @default 5_000 */
  initialDelayMs?: number;
  /** @default 60_000 */
  maxDelayMs?: number;
  /** @default 1.5 */
  factor?: number;
  /** A commit with no checks at all after this long counts as green (a repository without CI). @default 120_000 */
  noChecksGraceMs?: number;
  /**
   * How long a webhook's wake-up waits for the others of the same moment (a suite and its workflow
   * run complete together): one look instead of several. @default 1_000
   */
  wakeDelayMs?: number;
}

const checksRead: RequiredPermission = ['checks', 'read'];

const failureKey = (failure: CiFailure) => `${failure.check}\u0000${failure.test ?? ''}\u0000${normaliseMessage(failure.message)}`;

/**
 * {@link CiProvider} over GitHub check runs, commit statuses and Actions. A `target.rerun` re-runs
 * the failed jobs of those checks first; a red result names the files the branch changed, and
 * learns the base branch's head from the same compare (one request).
 */
export const createGitHubCiProvider = (settings: {
  client: GitHubClient;
  clock: Clock;
  logger: Logger;
  wakeups: CiWakeups;
  polling?: PollingSettings;
  /**
   * Whether `status` webhooks arrive (a webhook secret is set): then a repository whose commits
   * showed no statuses is not asked again until a `status` event comes. @default false
   */
  statusWebhooks?: boolean;
}): CiProvider => {
  const { client, clock, logger, wakeups } = settings;
  const initialDelayMs = settings.polling?.initialDelayMs ?? 5_000;
  const maxDelayMs = settings.polling?.maxDelayMs ?? 60_000;
  const factor = settings.polling?.factor ?? 1.5;
  const noChecksGraceMs = settings.polling?.noChecksGraceMs ?? 120_000;

  const wakeDelayMs = settings.polling?.wakeDelayMs ?? 1_000;
  // Repositories whose commits had no statuses when last read (only trusted while status webhooks come).
  const withoutStatuses = new Set<string>();
  const readStatuses = (repo: string) => !settings.statusWebhooks || !withoutStatuses.has(repo.toLowerCase()) || wakeups.hadStatus(repo);
  const noteStatuses = (repo: string, snapshot: CiSnapshot, read: boolean) => {
    if (!read || snapshot.pending) return;
    if (snapshot.statuses.length === 0) withoutStatuses.add(repo.toLowerCase());
    else withoutStatuses.delete(repo.toLowerCase());
  };

  /** Failures of `target` that fail the same way on the base branch's head. */
  const splitBaseFailures = async (
    target: CiTarget,
    failures: CiFailure[],
    comparison: Comparison | undefined,
    statusContexts: ReadonlySet<string>,
    signal: AbortSignal,
  ) => {
    const { owner, repo } = parseRepo(target.repo);
    const { octokit, permissions } = await client.installation(target.repo, checksRead);
    const baseSha = comparison?.baseSha;
    if (!baseSha || baseSha === target.sha) return { charged: failures, base: [] };
    // The base's check runs, and its statuses only when a status failed here.
    const onlyCheckRuns = !failures.some((failure) => statusContexts.has(failure.check));
    const baseSnapshot = await readCi(octokit, owner, repo, baseSha, { signal, permissions, onlyCheckRuns });
    const failingOnBase = new Set(
      baseSnapshot.checks
        .filter((check) => check.state === 'completed' && !isGreen(check.conclusion ?? 'failure'))
        .map((check) => check.name),
    );
    const shared = new Set(failures.map((failure) => failure.check).filter((name) => failingOnBase.has(name)));
    if (shared.size === 0) return { charged: failures, base: [] };
    const baseKeys = new Set(
      (await extractFailures(octokit, owner, repo, baseSnapshot, { onlyChecks: shared, signal, permissions })).map(failureKey),
    );
    return {
      charged: failures.filter((failure) => !baseKeys.has(failureKey(failure))),
      base: failures.filter((failure) => baseKeys.has(failureKey(failure))),
    };
  };

  return {
    watch(target: CiTarget): Observable<CiUpdate> {
      return new Observable<CiUpdate>((subscriber) => {
        const controller = new AbortController();
        let stopped = false;
        let timer: CancelTimer | undefined;
        let delay = initialDelayMs;
        let polling = false;
        let wokenWhilePolling = false;
        let lastStatus = '';
        let noChecksSince: number | undefined;
        // A re-run is asked for once, before the first look that counts.
        let rerunPending = target.rerun !== undefined;

        const schedule = (ms: number) => {
          timer?.();
          timer = clock.setTimer(ms, () => void poll());
        };
        const stopWake = wakeups.on(target.repo, target.sha, () => {
          if (stopped) return;
          if (polling) wokenWhilePolling = true;
          else schedule(wakeDelayMs);
        });

        const poll = async () => {
          if (stopped || polling) return;
          polling = true;
          wokenWhilePolling = false;
          try {
            const { owner, repo } = parseRepo(target.repo);
            const { octokit, permissions } = await client.installation(target.repo, checksRead);
            const statuses = readStatuses(target.repo);
            let snapshot = await readCi(octokit, owner, repo, target.sha, {
              signal: controller.signal,
              permissions,
              readStatuses: statuses,
            });
            if (stopped) return;
            noteStatuses(target.repo, snapshot, statuses);
            if (rerunPending && target.rerun) {
              rerunPending = false;
              const asked = await rerunFailedJobs(client, logger, target, snapshot, target.rerun.checks, controller.signal);
              if (asked > 0)
                snapshot = await readCi(octokit, owner, repo, target.sha, {
                  signal: controller.signal,
                  permissions,
                  readStatuses: statuses,
                });
              if (stopped) return;
            }
            const statusKey = JSON.stringify(snapshot.checks.map((check) => [check.name, check.state, check.conclusion]));
            if (statusKey !== lastStatus) {
              lastStatus = statusKey;
              subscriber.next({ type: 'status', checks: snapshot.checks });
            }
            const nothingYet = snapshot.checks.length === 0 && !snapshot.pending;
            if (nothingYet) noChecksSince ??= clock.now();
            const done = !snapshot.pending && (!nothingYet || clock.now() - (noChecksSince ?? clock.now()) >= noChecksGraceMs);
            if (!done) {
              const next = wokenWhilePolling ? 0 : delay;
              delay = Math.min(maxDelayMs, delay * factor);
              schedule(next);
              return;
            }
            const conclusion = overallConclusion(snapshot.checks);
            let failures: CiFailure[] = [];
            let baseFailures: CiFailure[] = [];
            let changed: string[] | undefined;
            if (conclusion !== 'success') {
              failures = await extractFailures(octokit, owner, repo, snapshot, { signal: controller.signal, permissions });
              const comparison = await compareWithBase(client, target, controller.signal);
              const statusContexts = new Set(snapshot.statuses.map((status) => status.context));
              ({ charged: failures, base: baseFailures } = await splitBaseFailures(
                target,
                failures,
                comparison,
                statusContexts,
                controller.signal,
              ));
              changed = comparison?.files;
            }
            if (stopped) return;
            subscriber.next({
              type: 'result',
              result: {
                sha: target.sha,
                conclusion,
                checks: snapshot.checks,
                failures,
                baseFailures,
                ...(changed ? { changedFiles: changed } : {}),
              },
            });
            subscriber.complete();
          } catch (error) {
            if (stopped) return;
            const failure = toAmpoError(error, `reading CI of ${target.sha.slice(0, 12)} on ${target.repo}`, checksRead, target.repo);
            if (failure.retryable) {
              logger.warn('GitHub CI poll failed; trying again', {
                repo: target.repo,
                sha: target.sha,
                code: failure.code,
                message: failure.message,
              });
              delay = Math.min(maxDelayMs, delay * factor);
              schedule(delay);
              return;
            }
            subscriber.error(AmpoError.isInstance(failure) ? failure : new AmpoError('ci-error', String(failure)));
          } finally {
            polling = false;
          }
        };

        schedule(0);
        return () => {
          stopped = true;
          timer?.();
          stopWake();
          controller.abort();
        };
      });
    },
  };
};
